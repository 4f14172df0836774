/**
 * Turning `{ key | address, value }` requests (user units) into register writes the BMS gets:
 * the register found in the map, the value converted to raw (an exact multiple of the scale),
 * then checked by uart_bms's own settings rules. All requests of one call are checked first;
 * one bad entry refuses them all, so nothing is half-written by a typo.
 */
import { checkSettingsWrite } from '../uart_bms/settings';
import type { RegisterDef } from '../uart_bms/registers';
import { uint32ToWords } from '../uart_bms/words';
import { toUserValue } from './register_view';
import type { FieldError } from './responses';

export interface PlannedWrite {
  def: RegisterDef;
  value: number;
  raw: number;
  /** What goes on the wire: one value, or a UINT32's low and high words. */
  words: number[];
}

const REQUEST_FIELDS = ['key', 'address', 'value'];

function planOne(registers: readonly RegisterDef[], request: unknown, field: string, errors: FieldError[]): PlannedWrite | undefined {
  const fail = (sub: string, code: string, message: string) => {
    errors.push({ field: field && sub ? `${field}.${sub}` : field || sub, code, message });
    return undefined;
  };
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return fail('', 'invalid_type', 'each write is an object { key or address, value }');
  const entry = request as Record<string, unknown>;
  const unknown = Object.keys(entry).find((name) => !REQUEST_FIELDS.includes(name));
  if (unknown !== undefined) return fail(unknown, 'unknown_field', 'is not a known field (key, address, value)');
  if (entry.key === undefined && entry.address === undefined) return fail('key', 'required', 'name the register by key or address');
  const def = entry.key !== undefined ? registers.find((r) => r.key === entry.key) : registers.find((r) => r.address === entry.address);
  if (!def) return fail(entry.key !== undefined ? 'key' : 'address', 'unknown_register', `no settings register ${JSON.stringify(entry.key ?? entry.address)}`);
  if (!def.writable) return fail('value', 'read_only', `${def.key} is read-only`);
  const value = entry.value;
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail('value', 'invalid_type', `${def.key}: the value must be a number`);
  const raw = Math.round(value / def.scale);
  if (Math.abs(raw * def.scale - value) > def.scale * 1e-6) return fail('value', 'step', `${def.key}: must be a multiple of ${def.scale} ${def.unit}`.trim());
  if (def.range && (raw < def.range.min || raw > def.range.max)) {
    const [min, max] = [toUserValue(def.range.min, def.scale), toUserValue(def.range.max, def.scale)];
    return fail('value', 'out_of_range', `${def.key}: must be between ${min} and ${max} ${def.unit}`.trim());
  }
  const words = def.words === 2 ? [...uint32ToWords(raw)] : [raw];
  if (def.words === 2 && (raw < 0 || raw > 0xffffffff)) return fail('value', 'out_of_range', `${def.key}: does not fit the register`);
  const check = checkSettingsWrite(def.address, words);
  if (!check.ok) return fail('value', 'out_of_range', check.errors.map((e) => e.message).join('; '));
  return { def, value, raw, words };
}

/** Every write checked; either the whole plan or every problem found. */
export function planRegisterWrites(
  registers: readonly RegisterDef[],
  requests: readonly unknown[],
  fieldPrefix: string,
): { ok: true; writes: PlannedWrite[] } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const writes: PlannedWrite[] = [];
  const seen = new Set<number>();
  requests.forEach((request, index) => {
    // A single write (no prefix) names its fields directly: "value", not "[0].value".
    const field = fieldPrefix === '' ? '' : `${fieldPrefix}[${index}]`;
    const write = planOne(registers, request, field, errors);
    if (!write) return;
    if (seen.has(write.def.address)) errors.push({ field, code: 'duplicate', message: `${write.def.key} is written twice` });
    seen.add(write.def.address);
    writes.push(write);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, writes };
}
