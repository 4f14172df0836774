/**
 * The conversion table (the C firmware's ConversionEntry shape): which published value goes into
 * which bytes of which frame, with its scale and offset. Byte positions come from the frame
 * layouts in can_victron, so the wire format is written down once.
 */
import type { FieldSpec } from '../can_victron/fields';
import { CAN_ID, formatCanId } from '../can_victron/ids';
import { NUMERIC_LAYOUTS } from '../can_victron/layouts';

/** Every value the publisher can put on the bus, by gateway field name. */
export interface SourceValues {
  charge_voltage_limit_v: number;
  charge_current_limit_a: number;
  discharge_current_limit_a: number;
  discharge_voltage_limit_v: number;
  state_of_charge_pct: number;
  state_of_health_pct: number;
  pack_voltage_v: number;
  pack_current_a: number;
  battery_temperature_c: number;
  battery_model_id: number;
  firmware_major: number;
  firmware_minor: number;
  capacity_ah: number;
  modules_ok: number;
  modules_blocking_charge: number;
  modules_blocking_discharge: number;
  modules_offline: number;
  min_cell_voltage_mv: number;
  max_cell_voltage_mv: number;
  min_temperature_c: number;
  max_temperature_c: number;
  charged_energy_wh: number;
  discharged_energy_wh: number;
}

export type SourceField = keyof SourceValues;

export interface ConversionEntry extends FieldSpec {
  source: SourceField;
  id: number;
}

/** [CAN id, field of the frame, source value]. */
const ROWS: readonly (readonly [number, string, SourceField])[] = [
  [CAN_ID.LIMITS, 'charge_voltage_limit_v', 'charge_voltage_limit_v'],
  [CAN_ID.LIMITS, 'charge_current_limit_a', 'charge_current_limit_a'],
  [CAN_ID.LIMITS, 'discharge_current_limit_a', 'discharge_current_limit_a'],
  [CAN_ID.LIMITS, 'discharge_voltage_limit_v', 'discharge_voltage_limit_v'],
  [CAN_ID.SOC_SOH, 'state_of_charge_pct', 'state_of_charge_pct'],
  [CAN_ID.SOC_SOH, 'state_of_health_pct', 'state_of_health_pct'],
  // The GX shows whole percent only; the high-resolution field carries the same SOC at 0.01 %.
  [CAN_ID.SOC_SOH, 'state_of_charge_hires_pct', 'state_of_charge_pct'],
  [CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, 'pack_voltage_v', 'pack_voltage_v'],
  [CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, 'pack_current_a', 'pack_current_a'],
  [CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, 'battery_temperature_c', 'battery_temperature_c'],
  [CAN_ID.BATTERY_INFO, 'battery_model_id', 'battery_model_id'],
  [CAN_ID.BATTERY_INFO, 'firmware_major', 'firmware_major'],
  [CAN_ID.BATTERY_INFO, 'firmware_minor', 'firmware_minor'],
  // One pack: online capacity = installed capacity.
  [CAN_ID.BATTERY_INFO, 'online_capacity_ah', 'capacity_ah'],
  [CAN_ID.MODULES, 'modules_ok', 'modules_ok'],
  [CAN_ID.MODULES, 'modules_blocking_charge', 'modules_blocking_charge'],
  [CAN_ID.MODULES, 'modules_blocking_discharge', 'modules_blocking_discharge'],
  [CAN_ID.MODULES, 'modules_offline', 'modules_offline'],
  [CAN_ID.CELL_EXTREMES, 'min_cell_voltage_mv', 'min_cell_voltage_mv'],
  [CAN_ID.CELL_EXTREMES, 'max_cell_voltage_mv', 'max_cell_voltage_mv'],
  [CAN_ID.CELL_EXTREMES, 'min_temperature_c', 'min_temperature_c'],
  [CAN_ID.CELL_EXTREMES, 'max_temperature_c', 'max_temperature_c'],
  [CAN_ID.ENERGY, 'charged_energy_wh', 'charged_energy_wh'],
  [CAN_ID.ENERGY, 'discharged_energy_wh', 'discharged_energy_wh'],
  [CAN_ID.INSTALLED_CAPACITY, 'installed_capacity_ah', 'capacity_ah'],
];

function entryOf(id: number, fieldName: string, source: SourceField): ConversionEntry {
  const spec = NUMERIC_LAYOUTS.get(id)?.fields.find((f) => f.name === fieldName);
  if (!spec) throw new Error(`conversion table: ${formatCanId(id)} has no field ${fieldName}`);
  return Object.freeze({ ...spec, source, id });
}

export const CONVERSION_TABLE: readonly ConversionEntry[] = Object.freeze(ROWS.map(([id, field, source]) => entryOf(id, field, source)));

/** The frame ids the table can build. */
export const TABLE_FRAME_IDS: readonly number[] = Object.freeze([...new Set(CONVERSION_TABLE.map((e) => e.id))]);
