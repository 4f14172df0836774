/**
 * Layouts of the numeric BMS → GX frames (victron-can.md §2), as data: one FieldSpec per field,
 * named with the gateway's field names. Encoding and decoding both walk these tables.
 */
import { CanEncodeError, type FieldSpec, fromRaw, readRaw, viewOf, writeField } from './fields';
import { CAN_ID, formatCanId } from './ids';

export interface FrameLayout {
  readonly id: number;
  /** Short name shown by the CAN monitor and the CLI. */
  readonly name: string;
  /** Data length the encoder produces unless told otherwise. */
  readonly length: number;
  readonly fields: readonly FieldSpec[];
}

function field(name: string, start: number, bytes: 1 | 2 | 4, signed: boolean, scale: number, extra: Partial<FieldSpec> = {}): FieldSpec {
  return Object.freeze({ name, start, bytes, signed, scale, offset: 0, ...extra });
}

function layout(id: number, name: string, fields: FieldSpec[], length = 8): FrameLayout {
  return Object.freeze({ id, name, length, fields: Object.freeze(fields) });
}

/** Kelvin in 0x373: +273.15 then round (the spec's choice over diyBMS's +273). */
const KELVIN_OFFSET = 273.15;

export const LIMITS_LAYOUT = layout(CAN_ID.LIMITS, 'limits', [
  field('charge_voltage_limit_v', 0, 2, false, 10),
  // CCL and DCL are signed on the wire but Victron asks for positive values.
  field('charge_current_limit_a', 2, 2, true, 10, { min: 0 }),
  field('discharge_current_limit_a', 4, 2, true, 10, { min: 0 }),
  field('discharge_voltage_limit_v', 6, 2, false, 10),
]);

export const SOC_SOH_LAYOUT = layout(CAN_ID.SOC_SOH, 'soc_soh', [
  field('state_of_charge_pct', 0, 2, false, 1, { min: 0, max: 100 }),
  field('state_of_health_pct', 2, 2, false, 1, { min: 0, max: 100 }),
  field('state_of_charge_hires_pct', 4, 2, false, 100, { min: 0, max: 100 }),
]);

export const VOLTAGE_CURRENT_TEMPERATURE_LAYOUT = layout(CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, 'voltage_current_temperature', [
  field('pack_voltage_v', 0, 2, true, 100),
  // + = charge, − = discharge (the Victron default orientation).
  field('pack_current_a', 2, 2, true, 10),
  field('battery_temperature_c', 4, 2, true, 10),
]);

export const BATTERY_INFO_LAYOUT = layout(CAN_ID.BATTERY_INFO, 'battery_info', [
  field('battery_model_id', 0, 2, false, 1),
  // The one big-endian item of the protocol: byte 2 = major, byte 3 = minor.
  field('firmware_major', 2, 1, false, 1),
  field('firmware_minor', 3, 1, false, 1),
  field('online_capacity_ah', 4, 2, false, 1),
]);

export const MODULES_LAYOUT = layout(CAN_ID.MODULES, 'modules', [
  field('modules_ok', 0, 2, false, 1),
  field('modules_blocking_charge', 2, 2, false, 1),
  field('modules_blocking_discharge', 4, 2, false, 1),
  field('modules_offline', 6, 2, false, 1),
]);

export const CELL_EXTREMES_LAYOUT = layout(CAN_ID.CELL_EXTREMES, 'cell_extremes', [
  field('min_cell_voltage_mv', 0, 2, false, 1),
  field('max_cell_voltage_mv', 2, 2, false, 1),
  field('min_temperature_c', 4, 2, false, 1, { offset: KELVIN_OFFSET }),
  field('max_temperature_c', 6, 2, false, 1, { offset: KELVIN_OFFSET }),
]);

export const ENERGY_LAYOUT = layout(CAN_ID.ENERGY, 'energy', [
  // 100 Wh units; the counters roll over to 0 at the top of the 32-bit range.
  field('charged_energy_wh', 0, 4, false, 0.01, { min: 0, overflow: 'wrap' }),
  field('discharged_energy_wh', 4, 4, false, 0.01, { min: 0, overflow: 'wrap' }),
]);

export const INSTALLED_CAPACITY_LAYOUT = layout(CAN_ID.INSTALLED_CAPACITY, 'installed_capacity', [field('installed_capacity_ah', 0, 2, false, 1)]);

export const NUMERIC_LAYOUTS: ReadonlyMap<number, FrameLayout> = new Map(
  [
    LIMITS_LAYOUT,
    SOC_SOH_LAYOUT,
    VOLTAGE_CURRENT_TEMPERATURE_LAYOUT,
    BATTERY_INFO_LAYOUT,
    MODULES_LAYOUT,
    CELL_EXTREMES_LAYOUT,
    ENERGY_LAYOUT,
    INSTALLED_CAPACITY_LAYOUT,
  ].map((l) => [l.id, l]),
);

export type NumericValues = Readonly<Record<string, number>>;

/**
 * Encodes every field of `layout` from `values` (a field absent from `values` is an error:
 * a frame is never sent half-filled). `length` shortens or lengthens the frame (Pylontech 0x355
 * has 4 bytes); fields that do not fit are left out.
 */
export function encodeNumeric(layout: FrameLayout, values: NumericValues, length = layout.length): Uint8Array {
  const data = new Uint8Array(length);
  for (const spec of layout.fields) {
    if (spec.start + spec.bytes > length) continue;
    const value = values[spec.name];
    if (value === undefined) throw new CanEncodeError(`${formatCanId(layout.id)}: missing value for ${spec.name}`);
    writeField(data, spec, value);
  }
  return data;
}

/** Physical values of the fields present in `data` (a short frame yields fewer fields). */
export function decodeNumeric(layout: FrameLayout, data: Uint8Array): Record<string, number> {
  const view = viewOf(data);
  const out: Record<string, number> = {};
  for (const spec of layout.fields) {
    const raw = readRaw(view, spec);
    if (raw !== undefined) out[spec.name] = fromRaw(spec, raw);
  }
  return out;
}
