/**
 * TinyBMS settings registers as the API shows them: the uart_bms register map's metadata in
 * user units (value = raw × scale), a category for grouping, and the value last read.
 */
import { SETTINGS_REGISTERS, type ByteField, type RegisterDef } from '../uart_bms/registers';
import { wordsToUint32 } from '../uart_bms/words';

export type RegisterCategory = 'battery' | 'balancing' | 'protection' | 'charger' | 'hardware' | 'communication';

const CATEGORY_BY_ADDRESS: Readonly<Record<number, RegisterCategory>> = Object.freeze({
  300: 'battery', 301: 'battery', 306: 'battery', 307: 'battery', 321: 'battery', 322: 'battery', 323: 'battery', 328: 'battery',
  303: 'balancing', 308: 'balancing',
  305: 'protection', 315: 'protection', 316: 'protection', 317: 'protection', 318: 'protection', 319: 'protection', 320: 'protection', 332: 'protection',
  304: 'charger', 310: 'charger', 311: 'charger', 330: 'charger', 333: 'charger', 335: 'charger',
  312: 'hardware', 314: 'hardware', 329: 'hardware', 331: 'hardware', 334: 'hardware', 336: 'hardware', 337: 'hardware', 338: 'hardware', 339: 'hardware', 340: 'hardware', 341: 'hardware',
  342: 'communication', 343: 'communication',
});

export const REGISTER_CATEGORIES: readonly RegisterCategory[] = Object.freeze(['battery', 'balancing', 'protection', 'charger', 'hardware', 'communication']);

export function categoryOf(def: RegisterDef): RegisterCategory {
  return CATEGORY_BY_ADDRESS[def.address] ?? 'hardware';
}

/** Round away float noise from raw × scale (0.002 × 3 = 0.006, not 0.006000000000000001). */
export function toUserValue(raw: number, scale: number): number {
  return Number((raw * scale).toPrecision(12));
}

function optionList(options: Readonly<Record<number, string>> | undefined): { value: number; label: string }[] | undefined {
  return options && Object.keys(options).map((value) => ({ value: Number(value), label: options[Number(value)] }));
}

function byteView(field: ByteField | undefined): Record<string, unknown> | undefined {
  if (!field) return undefined;
  return { label: field.label, min: field.range?.min, max: field.range?.max, options: optionList(field.options) };
}

/** The raw value of `def` in a settings read (a UINT32 from its two words), if present. */
export function rawValueOf(def: RegisterDef, settings: ReadonlyMap<number, number> | undefined): number | undefined {
  const low = settings?.get(def.address);
  if (low === undefined) return undefined;
  if (def.words === 1) return low;
  const high = settings?.get(def.address + 1);
  return high === undefined ? undefined : wordsToUint32(low, high);
}

export function registerView(def: RegisterDef, settings: ReadonlyMap<number, number> | undefined): Record<string, unknown> {
  const view: Record<string, unknown> = {
    address: def.address,
    key: def.key,
    name: def.label,
    unit: def.unit,
    category: categoryOf(def),
    type: def.type,
    scale: def.scale,
    step: def.scale,
    writable: def.writable,
  };
  if (def.range) Object.assign(view, { min: toUserValue(def.range.min, def.scale), max: toUserValue(def.range.max, def.scale) });
  const options = optionList(def.options);
  if (options) view.options = options;
  if (def.lowByte) view.low_byte = byteView(def.lowByte);
  if (def.highByte) view.high_byte = byteView(def.highByte);
  const raw = rawValueOf(def, settings);
  if (raw !== undefined) Object.assign(view, { raw, value: toUserValue(raw, def.scale) });
  return view;
}

export function settingsRegisters(): readonly RegisterDef[] {
  return SETTINGS_REGISTERS;
}
