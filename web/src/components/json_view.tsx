/** Any JSON value as a compact key/value table (diagnostics, decoded frames). */
import { DASH } from '../format';

function scalar(value: unknown): string {
  if (value === null || value === undefined) return DASH;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '');
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return JSON.stringify(value);
}

function isLeafArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null);
}

export function JsonView(props: { value: unknown; depth?: number }) {
  const { value } = props;
  const depth = props.depth ?? 0;
  if (typeof value !== 'object' || value === null) return <span>{scalar(value)}</span>;
  if (isLeafArray(value)) return <span>{(value as unknown[]).map(scalar).join(', ') || DASH}</span>;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return <span class="muted">{DASH}</span>;
  return (
    <dl class={`kv depth-${Math.min(depth, 3)}`}>
      {entries.map(([key, v]) => (
        <div class="kv-row" key={key}>
          <dt>{key.replace(/_/g, ' ')}</dt>
          <dd>
            <JsonView value={v} depth={depth + 1} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

const LONG_LIST = 8;

/** Decoded frame fields on one line: "pack_voltage_v=53.2  soc=80"; nested fields flattened, long lists cut. */
export function inlineFields(value: Record<string, unknown> | null | undefined, prefix = ''): string {
  if (!value) return '';
  return Object.entries(value)
    .map(([k, v]) => {
      const key = prefix + k;
      if (Array.isArray(v)) return `${key}=[${v.slice(0, LONG_LIST).map(scalar).join(', ')}${v.length > LONG_LIST ? `, … ${v.length} items` : ''}]`;
      if (typeof v === 'object' && v !== null) return inlineFields(v as Record<string, unknown>, `${key}.`);
      return `${key}=${scalar(v)}`;
    })
    .join('  ');
}
