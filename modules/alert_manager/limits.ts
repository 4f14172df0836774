/**
 * Pure limit checks for the alerts measured on BMS data (gateway-api.md §Alerts): for one
 * snapshot and the configured thresholds, is the value past its limit, is it back inside by the
 * hysteresis margin, and what to tell the user. No time and no state here.
 */
import type { AlertThresholds } from '../config_manager/config_types';
import type { LiveData } from '../uart_bms/live_data';
import type { AlertCode } from './alert';

export type MeasuredAlertCode = Extract<AlertCode, 'OVER_VOLTAGE' | 'UNDER_VOLTAGE' | 'OVER_TEMP' | 'OVER_CURRENT' | 'CELL_IMBALANCE' | 'NO_CELL_TEMPERATURE'>;

export const MEASURED_ALERT_CODES: readonly MeasuredAlertCode[] = Object.freeze([
  'OVER_VOLTAGE',
  'UNDER_VOLTAGE',
  'OVER_TEMP',
  'OVER_CURRENT',
  'CELL_IMBALANCE',
  'NO_CELL_TEMPERATURE',
]);

export interface LimitReading {
  /** Past the limit: the condition that raises (after the minimum duration). */
  beyond: boolean;
  /** Inside the limit by at least the margin: the condition that clears. */
  backInside: boolean;
  /** Names the value and the limit, e.g. "Cell 7 at 3.652 V exceeds 3.650 V". */
  message: string;
  /** Said when the alert clears, with the value that cleared it. */
  clearMessage: string;
}

const volts = (mv: number) => `${(mv / 1000).toFixed(3)} V`;
const celsius = (c: number) => `${c.toFixed(1)} °C`;
const amperes = (a: number) => `${a.toFixed(1)} A`;

/** 1-based number of the first cell holding `mv`, or undefined when the array does not say. */
function cellNumberOf(cells: readonly number[], mv: number): number | undefined {
  const index = cells.indexOf(mv);
  return index >= 0 ? index + 1 : undefined;
}

function cellName(data: LiveData, mv: number, fallback: string): string {
  const number = cellNumberOf(data.cell_voltage_mv, mv);
  return number === undefined ? fallback : `Cell ${number}`;
}

const finite = (...values: number[]) => values.every((v) => typeof v === 'number' && Number.isFinite(v));

function overVoltage(data: LiveData, t: AlertThresholds): LimitReading | undefined {
  const mv = data.max_cell_voltage_mv;
  if (!finite(mv) || data.cell_count === 0) return undefined;
  const cell = cellName(data, mv, 'Highest cell');
  const clearAt = t.cell_voltage_max_mv - t.voltage_hysteresis_mv;
  return {
    beyond: mv > t.cell_voltage_max_mv,
    backInside: mv <= clearAt,
    message: `${cell} at ${volts(mv)} exceeds ${volts(t.cell_voltage_max_mv)}`,
    clearMessage: `${cell} at ${volts(mv)}, back at or below ${volts(clearAt)}`,
  };
}

function underVoltage(data: LiveData, t: AlertThresholds): LimitReading | undefined {
  const mv = data.min_cell_voltage_mv;
  if (!finite(mv) || data.cell_count === 0) return undefined;
  const cell = cellName(data, mv, 'Lowest cell');
  const clearAt = t.cell_voltage_min_mv + t.voltage_hysteresis_mv;
  return {
    beyond: mv < t.cell_voltage_min_mv,
    backInside: mv >= clearAt,
    message: `${cell} at ${volts(mv)} is below ${volts(t.cell_voltage_min_mv)}`,
    clearMessage: `${cell} at ${volts(mv)}, back at or above ${volts(clearAt)}`,
  };
}

function overTemperature(data: LiveData, t: AlertThresholds): LimitReading | undefined {
  const c = data.max_temperature_c;
  if (!finite(c) || data.temp_sensor_count === 0) return undefined;
  const clearAt = t.temperature_max_c - t.temperature_hysteresis_c;
  return {
    beyond: c > t.temperature_max_c,
    backInside: c <= clearAt,
    message: `Temperature ${celsius(c)} exceeds ${celsius(t.temperature_max_c)}`,
    clearMessage: `Temperature ${celsius(c)}, back at or below ${celsius(clearAt)}`,
  };
}

function overCurrent(data: LiveData, t: AlertThresholds): LimitReading | undefined {
  const a = data.pack_current_a;
  if (!finite(a)) return undefined;
  const magnitude = Math.abs(a);
  const kind = a < 0 ? 'Discharge current' : 'Charge current';
  const clearAt = t.current_max_a - t.current_hysteresis_a;
  return {
    beyond: magnitude > t.current_max_a,
    backInside: magnitude <= clearAt,
    message: `${kind} ${amperes(magnitude)} exceeds ${amperes(t.current_max_a)}`,
    clearMessage: `${kind} ${amperes(magnitude)}, back at or below ${amperes(clearAt)}`,
  };
}

function cellImbalance(data: LiveData, t: AlertThresholds): LimitReading | undefined {
  const { max_cell_voltage_mv: high, min_cell_voltage_mv: low } = data;
  if (!finite(high, low) || data.cell_count < 2) return undefined;
  const delta = high - low;
  const clearAt = t.imbalance_max_mv - t.voltage_hysteresis_mv;
  const which = `${cellName(data, high, 'Highest cell')} ${volts(high)}, ${cellName(data, low, 'Lowest cell')} ${volts(low)}`;
  return {
    beyond: delta > t.imbalance_max_mv,
    backInside: delta <= clearAt,
    message: `Cell imbalance ${delta} mV (${which}) exceeds ${t.imbalance_max_mv} mV`,
    clearMessage: `Cell imbalance ${delta} mV, back at or below ${clearAt} mV`,
  };
}

/** Both cell sensors lost (or never fitted): charge control stops charging; the board sensor is no substitute. */
function noCellTemperature(data: LiveData): LimitReading {
  const none = !(data.temp_sensor_count > 0);
  const board = typeof data.internal_temperature_c === 'number' ? ` (BMS board ${celsius(data.internal_temperature_c)}, not a cell temperature)` : '';
  return {
    beyond: none,
    backInside: !none,
    message: `No cell temperature sensor reads${board}: charging stopped`,
    clearMessage: `Cell temperature back (${data.temp_sensor_count} sensor${data.temp_sensor_count === 1 ? '' : 's'})`,
  };
}

const CHECKS: Readonly<Record<MeasuredAlertCode, (data: LiveData, t: AlertThresholds) => LimitReading | undefined>> = Object.freeze({
  OVER_VOLTAGE: overVoltage,
  UNDER_VOLTAGE: underVoltage,
  OVER_TEMP: overTemperature,
  OVER_CURRENT: overCurrent,
  CELL_IMBALANCE: cellImbalance,
  NO_CELL_TEMPERATURE: noCellTemperature,
});

/** Reads one limit from a snapshot; undefined when the snapshot does not carry the value. */
export function readLimit(code: MeasuredAlertCode, data: LiveData, thresholds: AlertThresholds): LimitReading | undefined {
  return CHECKS[code](data, thresholds);
}
