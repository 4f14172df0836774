/**
 * Typed encoders for the BMS → GX frames, one per frame kind, on top of the layout tables.
 * Each returns the data bytes; pair them with the id from CAN_ID.
 */
import {
  BATTERY_INFO_LAYOUT,
  CELL_EXTREMES_LAYOUT,
  ENERGY_LAYOUT,
  INSTALLED_CAPACITY_LAYOUT,
  LIMITS_LAYOUT,
  MODULES_LAYOUT,
  SOC_SOH_LAYOUT,
  VOLTAGE_CURRENT_TEMPERATURE_LAYOUT,
  encodeNumeric,
} from './layouts';

export interface LimitsValues {
  charge_voltage_limit_v: number;
  charge_current_limit_a: number;
  discharge_current_limit_a: number;
  discharge_voltage_limit_v: number;
}

export interface SocSohValues {
  state_of_charge_pct: number;
  state_of_health_pct: number;
  state_of_charge_hires_pct: number;
}

export interface VoltageCurrentTemperatureValues {
  pack_voltage_v: number;
  pack_current_a: number;
  battery_temperature_c: number;
}

export interface BatteryInfoValues {
  battery_model_id: number;
  firmware_major: number;
  firmware_minor: number;
  online_capacity_ah: number;
}

export interface ModulesValues {
  modules_ok: number;
  modules_blocking_charge: number;
  modules_blocking_discharge: number;
  modules_offline: number;
}

export interface CellExtremesValues {
  min_cell_voltage_mv: number;
  max_cell_voltage_mv: number;
  min_temperature_c: number;
  max_temperature_c: number;
}

export interface EnergyValues {
  charged_energy_wh: number;
  discharged_energy_wh: number;
}

type Values<T> = T & Record<string, number>;
const asRecord = <T extends object>(values: T) => values as Values<T>;

/** 0x351; `length` 8 (Pylontech v1.2 leaves bytes 6–7 undefined, real packs send the DVL). */
export const encodeLimits = (v: LimitsValues, length = 8) => encodeNumeric(LIMITS_LAYOUT, asRecord(v), length);
/** 0x355; Pylontech v1.2 sends 4 bytes (no high-resolution SOC). */
export const encodeSocSoh = (v: SocSohValues, length = 8) => encodeNumeric(SOC_SOH_LAYOUT, asRecord(v), length);
/** 0x356; Pylontech sends 6 bytes. */
export const encodeVoltageCurrentTemperature = (v: VoltageCurrentTemperatureValues, length = 8) =>
  encodeNumeric(VOLTAGE_CURRENT_TEMPERATURE_LAYOUT, asRecord(v), length);
export const encodeBatteryInfo = (v: BatteryInfoValues) => encodeNumeric(BATTERY_INFO_LAYOUT, asRecord(v));
export const encodeModules = (v: ModulesValues) => encodeNumeric(MODULES_LAYOUT, asRecord(v));
export const encodeCellExtremes = (v: CellExtremesValues) => encodeNumeric(CELL_EXTREMES_LAYOUT, asRecord(v));
export const encodeEnergy = (v: EnergyValues) => encodeNumeric(ENERGY_LAYOUT, asRecord(v));
export const encodeInstalledCapacity = (installed_capacity_ah: number) => encodeNumeric(INSTALLED_CAPACITY_LAYOUT, { installed_capacity_ah });
