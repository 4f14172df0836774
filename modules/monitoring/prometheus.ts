/**
 * Prometheus text exposition format 0.0.4, pure: metric families in, text out. Module metric
 * keys (snake_case with unit suffixes such as `_ms`, `_mv`) become names in base units with
 * the `tinybms_` prefix (`tinybms_uart_bms_cycle_last_seconds`), values scaled to match;
 * `_total` makes a counter, everything else is a gauge; booleans are 0/1 and text becomes an
 * `_info` gauge with the text as a label.
 */
import type { MetricValue, ModuleMetrics } from '../gateway/context';

export type MetricType = 'counter' | 'gauge';

export interface MetricSample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: MetricSample[];
}

export const METRIC_PREFIX = 'tinybms';

/**
 * Unit suffix → base-unit suffix, multiplier and divisor (dividing keeps 52800 mV at 52.8 V,
 * where multiplying by 0.001 would not). Longest suffixes first.
 */
const UNITS: readonly (readonly [string, string, number, number])[] = Object.freeze([
  ['_bytes', '_bytes', 1, 1],
  ['_kbps', '_bits_per_second', 1000, 1],
  ['_pct', '_ratio', 1, 100],
  ['_wh', '_joules', 3600, 1],
  ['_ms', '_seconds', 1, 1000],
  ['_mv', '_volts', 1, 1000],
  ['_ma', '_amperes', 1, 1000],
  ['_kb', '_bytes', 1024, 1],
  ['_mb', '_bytes', 1024 * 1024, 1],
  ['_s', '_seconds', 1, 1],
  ['_v', '_volts', 1, 1],
  ['_a', '_amperes', 1, 1],
  ['_c', '_celsius', 1, 1],
  ['_w', '_watts', 1, 1],
]);

/** Already snake_case: [a-z0-9_] only, no digit first, no `_` first or last or twice in a row. */
function isSnakeCase(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 95) {
      if (i === 0 || i === text.length - 1 || text.charCodeAt(i - 1) === 95) return false;
    } else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57 && i > 0))) return false;
  }
  return text.length > 0;
}

/** snake_case from camelCase or anything else; only [a-z0-9_], never starting with a digit. */
export function snakeCase(text: string): string {
  // Names are mostly snake_case already: no RegExp then (XS compiles each literal per call).
  if (isSnakeCase(text)) return text;
  const snake = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return /^[0-9]/.test(snake) ? `_${snake}` : snake || '_';
}

export interface ConvertedName {
  name: string;
  type: MetricType;
  multiply: number;
  divide: number;
  /** The unit the module reported in, when it was converted. */
  convertedFrom?: string;
  /** The label that carries a text value of this key (its `_info` gauge). */
  infoLabel: string;
}

/** The Prometheus name, type and scale of a module metric key. */
export function convertMetricKey(source: string, key: string): ConvertedName {
  let base = snakeCase(key);
  const counter = base.endsWith('_total');
  if (counter) base = base.slice(0, -'_total'.length);
  // `_count` is reserved for histograms and summaries.
  if (base.endsWith('_count') && base !== '_count') base = base.slice(0, -'_count'.length);
  let multiply = 1;
  let divide = 1;
  let convertedFrom: string | undefined;
  for (const [suffix, unit, m, d] of UNITS) {
    if (base.endsWith(suffix) && base.length > suffix.length) {
      base = base.slice(0, -suffix.length) + unit;
      [multiply, divide] = [m, d];
      if (m !== 1 || d !== 1) convertedFrom = suffix.slice(1);
      break;
    }
  }
  const name = `${METRIC_PREFIX}_${snakeCase(source)}_${base}${counter ? '_total' : ''}`;
  const keySnake = snakeCase(key);
  const infoLabel = keySnake.startsWith('_') ? keySnake.replace(/^_+/, '') || 'value' : keySnake;
  return { name, type: counter ? 'counter' : 'gauge', multiply, divide, convertedFrom, infoLabel };
}

type NameConverter = (source: string, key: string) => ConvertedName;

/**
 * convertMetricKey remembered per (source, key): the keys a gateway reports are a fixed set, so
 * after the first scrape no name is worked out again (snakeCase's regular expressions are costly
 * on XS). Holds at most `limit` names; a source inventing keys cannot grow it without bound.
 */
export class MetricNames {
  #names = new Map<string, ConvertedName>();
  #limit: number;

  constructor(limit = 2048) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#names.size;
  }

  readonly convert: NameConverter = (source, key) => {
    const id = `${source}\u0000${key}`;
    let converted = this.#names.get(id);
    if (!converted) {
      converted = convertMetricKey(source, key);
      if (this.#names.size < this.#limit) this.#names.set(id, converted);
    }
    return converted;
  };
}

/** The families one source's metrics give. */
export function familiesOf(source: string, metrics: ModuleMetrics, convert: NameConverter = convertMetricKey): MetricFamily[] {
  const out: MetricFamily[] = [];
  for (const [key, value] of Object.entries(metrics)) {
    const family = familyOf(source, key, value, convert);
    if (family) out.push(family);
  }
  return out;
}

function familyOf(source: string, key: string, value: MetricValue, convert: NameConverter): MetricFamily | undefined {
  const converted = convert(source, key);
  const help = `${source} ${key}${converted.convertedFrom ? `, converted from ${converted.convertedFrom}` : ''}`;
  if (typeof value === 'number') {
    return { name: converted.name, help, type: converted.type, samples: [{ value: (value * converted.multiply) / converted.divide }] };
  }
  // Flags and states are not counted: gauges without the counter suffix.
  const gaugeName = converted.type === 'counter' ? converted.name.slice(0, -'_total'.length) : converted.name;
  if (typeof value === 'boolean') return { name: gaugeName, help, type: 'gauge', samples: [{ value: value ? 1 : 0 }] };
  if (typeof value === 'string') return { name: `${gaugeName}_info`, help, type: 'gauge', samples: [{ labels: { [converted.infoLabel]: value }, value: 1 }] };
  return undefined;
}

// Most texts need no escape: they are returned as they are, without a RegExp. On XS each RegExp
// literal is compiled again at every call (and no RegExp may live at module load, see
// monitoring.ts), and the ~750 a scrape made took half of its time in XS.
export function escapeLabelValue(text: string): string {
  if (!text.includes('\\') && !text.includes('"') && !text.includes('\n')) return text;
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function escapeHelp(text: string): string {
  if (!text.includes('\\') && !text.includes('\n')) return text;
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Readonly<Record<string, string>> | undefined, labelNames: Map<string, string>): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return `{${entries
    .map(([name, value]) => {
      let label = labelNames.get(name);
      if (label === undefined) labelNames.set(name, (label = snakeCase(name)));
      return `${label}="${escapeLabelValue(value)}"`;
    })
    .join(',')}}`;
}

/**
 * The exposition text. Families with the same name are merged (first HELP/TYPE wins); a family
 * whose type differs from an earlier one of that name, or a repeated label set, is left out
 * (the scrape would be rejected otherwise). Returns the text and how many samples were left out.
 */
export function renderPrometheus(families: readonly MetricFamily[]): { text: string; skipped: number } {
  const merged = new Map<string, MetricFamily & { seen: Set<string> }>();
  const labelNames = new Map<string, string>();
  let skipped = 0;
  for (const family of families) {
    let target = merged.get(family.name);
    if (!target) {
      target = { ...family, samples: [], seen: new Set() };
      merged.set(family.name, target);
    } else if (target.type !== family.type) {
      skipped += family.samples.length;
      continue;
    }
    for (const sample of family.samples) {
      const labels = formatLabels(sample.labels, labelNames);
      if (target.seen.has(labels)) {
        skipped++;
        continue;
      }
      target.seen.add(labels);
      target.samples.push(sample);
    }
  }
  // Lines joined once: growing one string line by line copies it again for every line on XS.
  const lines: string[] = [];
  for (const family of merged.values()) {
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) lines.push(`${family.name}${formatLabels(sample.labels, labelNames)} ${formatValue(sample.value)}`);
  }
  lines.push('');
  return { text: lines.length > 1 ? lines.join('\n') : '', skipped };
}
