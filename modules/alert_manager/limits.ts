/**
 * Pure limit checks for the alerts measured on BMS data (gateway-api.md §Alerts): for one
 * snapshot and the configured thresholds, is the value past its limit, is it back inside by the
 * hysteresis margin, and what to tell the user. No time and no state here.
 */
import type { AlertThresholds } from '../config_manager/config_types';
import type { LiveData } from '../uart_bms/live_data';
import type { AlertCode } from './alert';

export type MeasuredAlertCode = Extract<AlertCode, 'OVER_VOLTAGE' | 'UNDER_VOLTAGE' | 'OVER_TEMP' | 'OVER_CURRENT' | 'CELL_IMBALANCE' | 'NO_CELL_TEMPERATURE'>;

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

/** limitPosition: the snapshot does not carry the value. */
export const LIMIT_UNKNOWN = -1;
/** Bit of limitPosition: past the limit (the condition that raises after the minimum duration). */
export const LIMIT_BEYOND = 1;
/** Bit of limitPosition: inside the limit by at least the margin (the condition that clears). */
export const LIMIT_BACK_INSIDE = 2;

// Number.isFinite is false for anything that is not a number: no typeof needed.
const finite = Number.isFinite;

/** Position bits of a value that is past its limit when above it. */
const above = (value: number, limit: number, clearAt: number): number => (value > limit ? LIMIT_BEYOND : 0) | (value <= clearAt ? LIMIT_BACK_INSIDE : 0);
/** Position bits of a value that is past its limit when below it. */
const below = (value: number, limit: number, clearAt: number): number => (value < limit ? LIMIT_BEYOND : 0) | (value >= clearAt ? LIMIT_BACK_INSIDE : 0);

/**
 * One measured limit: the value it watches, its limit and clear point, and which side is "past".
 * The messages are built only when an alert is raised or cleared, never on every poll: "<subject>
 * exceeds <limit>" (or "is below"), and "<clear subject>, back at or below <clear point>".
 */
interface LimitCheck {
  value(data: LiveData): number | undefined;
  limit(t: AlertThresholds): number;
  clearAt(t: AlertThresholds): number;
  /** 1: past means above the limit; -1: below it. */
  direction: 1 | -1;
  /** How the value and the limits are written. */
  format(value: number): string;
  /** What is past the limit, e.g. "Cell 7 at 3.652 V". */
  subject(data: LiveData, value: number): string;
  /** The subject when clearing (default: the same). */
  clearSubject?(data: LiveData, value: number): string;
  /** Messages that do not follow the pattern. */
  message?(data: LiveData, t: AlertThresholds, value: number): string;
  clearMessage?(data: LiveData, t: AlertThresholds, value: number): string;
  /**
   * value, limit and clearAt in one straight-line call, as limitPosition bits (every poll runs
   * the six; four calls each cost XS more than the comparisons). Must agree with the parts above.
   */
  position(data: LiveData, t: AlertThresholds): number;
}

const millivolts = (mv: number) => `${mv} mV`;
const cellAt = (fallback: string) => (data: LiveData, mv: number) => `${cellName(data, mv, fallback)} at ${volts(mv)}`;

const CHECKS: Readonly<Record<MeasuredAlertCode, LimitCheck>> = Object.freeze({
  OVER_VOLTAGE: Object.freeze<LimitCheck>({
    position: (data, t) =>
      finite(data.max_cell_voltage_mv) && data.cell_count !== 0 ? above(data.max_cell_voltage_mv, t.cell_voltage_max_mv, t.cell_voltage_max_mv - t.voltage_hysteresis_mv) : LIMIT_UNKNOWN,
    value: (data) => (finite(data.max_cell_voltage_mv) && data.cell_count !== 0 ? data.max_cell_voltage_mv : undefined),
    limit: (t) => t.cell_voltage_max_mv,
    clearAt: (t) => t.cell_voltage_max_mv - t.voltage_hysteresis_mv,
    direction: 1,
    format: volts,
    subject: cellAt('Highest cell'),
  }),
  UNDER_VOLTAGE: Object.freeze<LimitCheck>({
    position: (data, t) =>
      finite(data.min_cell_voltage_mv) && data.cell_count !== 0 ? below(data.min_cell_voltage_mv, t.cell_voltage_min_mv, t.cell_voltage_min_mv + t.voltage_hysteresis_mv) : LIMIT_UNKNOWN,
    value: (data) => (finite(data.min_cell_voltage_mv) && data.cell_count !== 0 ? data.min_cell_voltage_mv : undefined),
    limit: (t) => t.cell_voltage_min_mv,
    clearAt: (t) => t.cell_voltage_min_mv + t.voltage_hysteresis_mv,
    direction: -1,
    format: volts,
    subject: cellAt('Lowest cell'),
  }),
  OVER_TEMP: Object.freeze<LimitCheck>({
    position: (data, t) =>
      finite(data.max_temperature_c) && data.temp_sensor_count !== 0 ? above(data.max_temperature_c, t.temperature_max_c, t.temperature_max_c - t.temperature_hysteresis_c) : LIMIT_UNKNOWN,
    value: (data) => (finite(data.max_temperature_c) && data.temp_sensor_count !== 0 ? data.max_temperature_c : undefined),
    limit: (t) => t.temperature_max_c,
    clearAt: (t) => t.temperature_max_c - t.temperature_hysteresis_c,
    direction: 1,
    format: celsius,
    subject: (_data, c) => `Temperature ${celsius(c)}`,
  }),
  OVER_CURRENT: Object.freeze<LimitCheck>({
    position: (data, t) =>
      finite(data.pack_current_a) ? above(data.pack_current_a < 0 ? -data.pack_current_a : data.pack_current_a, t.current_max_a, t.current_max_a - t.current_hysteresis_a) : LIMIT_UNKNOWN,
    value: (data) => (finite(data.pack_current_a) ? Math.abs(data.pack_current_a) : undefined),
    limit: (t) => t.current_max_a,
    clearAt: (t) => t.current_max_a - t.current_hysteresis_a,
    direction: 1,
    format: amperes,
    subject: (data, a) => `${data.pack_current_a < 0 ? 'Discharge current' : 'Charge current'} ${amperes(a)}`,
  }),
  CELL_IMBALANCE: Object.freeze<LimitCheck>({
    position: (data, t) =>
      finite(data.max_cell_voltage_mv) && finite(data.min_cell_voltage_mv) && data.cell_count >= 2
        ? above(data.max_cell_voltage_mv - data.min_cell_voltage_mv, t.imbalance_max_mv, t.imbalance_max_mv - t.voltage_hysteresis_mv)
        : LIMIT_UNKNOWN,
    value: (data) =>
      finite(data.max_cell_voltage_mv) && finite(data.min_cell_voltage_mv) && data.cell_count >= 2 ? data.max_cell_voltage_mv - data.min_cell_voltage_mv : undefined,
    limit: (t) => t.imbalance_max_mv,
    clearAt: (t) => t.imbalance_max_mv - t.voltage_hysteresis_mv,
    direction: 1,
    format: millivolts,
    subject: (data, delta) =>
      `Cell imbalance ${delta} mV (${cellName(data, data.max_cell_voltage_mv, 'Highest cell')} ${volts(data.max_cell_voltage_mv)}, ${cellName(data, data.min_cell_voltage_mv, 'Lowest cell')} ${volts(data.min_cell_voltage_mv)})`,
    clearSubject: (_data, delta) => `Cell imbalance ${delta} mV`,
  }),
  NO_CELL_TEMPERATURE: Object.freeze<LimitCheck>({
    position: (data) => below(data.temp_sensor_count > 0 ? data.temp_sensor_count : 0, 1, 1),
    // Both cell sensors lost (or never fitted): charge control stops charging; the board sensor is no substitute.
    value: (data) => (data.temp_sensor_count > 0 ? data.temp_sensor_count : 0),
    limit: () => 1,
    clearAt: () => 1,
    direction: -1,
    format: String,
    subject: () => '',
    message: (data) =>
      `No cell temperature sensor reads${typeof data.internal_temperature_c === 'number' ? ` (BMS board ${celsius(data.internal_temperature_c)}, not a cell temperature)` : ''}: charging stopped`,
    clearMessage: (data) => `Cell temperature back (${data.temp_sensor_count} sensor${data.temp_sensor_count === 1 ? '' : 's'})`,
  }),
});

/** The measured codes, in the order of the checks above (the spec table's). */
export const MEASURED_ALERT_CODES = Object.freeze(Object.keys(CHECKS) as MeasuredAlertCode[]);

/** Where a snapshot stands against one limit, as bits (no allocation: this runs on every poll). */
export function limitPosition(code: MeasuredAlertCode, data: LiveData, t: AlertThresholds): number {
  return CHECKS[code].position(data, t);
}

/** The same as limitPosition, from the parts (value, limit, clear point, direction): what `position` must agree with. */
export function limitPositionFromParts(code: MeasuredAlertCode, data: LiveData, t: AlertThresholds): number {
  const check = CHECKS[code];
  const value = check.value(data);
  if (value === undefined) return LIMIT_UNKNOWN;
  const beyond = check.direction > 0 ? value > check.limit(t) : value < check.limit(t);
  const backInside = check.direction > 0 ? value <= check.clearAt(t) : value >= check.clearAt(t);
  return (beyond ? LIMIT_BEYOND : 0) | (backInside ? LIMIT_BACK_INSIDE : 0);
}

/** Each measured check's position function, in MEASURED_ALERT_CODES order (the alert manager's per-poll loop). */
export const MEASURED_POSITIONS: readonly ((data: LiveData, t: AlertThresholds) => number)[] = Object.freeze(MEASURED_ALERT_CODES.map((code) => CHECKS[code].position));

/** The message for raising (or, with `clearing`, for clearing) the alert on this snapshot. */
export function limitMessage(code: MeasuredAlertCode, data: LiveData, t: AlertThresholds, clearing = false): string {
  const check = CHECKS[code];
  const value = check.value(data) ?? NaN;
  if (clearing) {
    if (check.clearMessage) return check.clearMessage(data, t, value);
    const subject = (check.clearSubject ?? check.subject)(data, value);
    return `${subject}, back at or ${check.direction > 0 ? 'below' : 'above'} ${check.format(check.clearAt(t))}`;
  }
  if (check.message) return check.message(data, t, value);
  return `${check.subject(data, value)} ${check.direction > 0 ? 'exceeds' : 'is below'} ${check.format(check.limit(t))}`;
}

/** Reads one limit from a snapshot; undefined when the snapshot does not carry the value. */
export function readLimit(code: MeasuredAlertCode, data: LiveData, thresholds: AlertThresholds): LimitReading | undefined {
  const position = limitPosition(code, data, thresholds);
  if (position === LIMIT_UNKNOWN) return undefined;
  return {
    beyond: (position & LIMIT_BEYOND) !== 0,
    backInside: (position & LIMIT_BACK_INSIDE) !== 0,
    message: limitMessage(code, data, thresholds),
    clearMessage: limitMessage(code, data, thresholds, true),
  };
}
