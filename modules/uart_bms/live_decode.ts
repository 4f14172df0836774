/**
 * Register values → LiveData (spec tinybms-uart.md §4.1). Pure: the poller reads registers
 * 0–55 in one Modbus read and hands them here; the simulator and the CLI use it too.
 *
 * Cell rule. RevD labels register 0 "cell 1", yet the one public real capture (CLARK, 14S) has
 * registers 0–1 at 0 and the 14 cells in registers 2–15: a pack with fewer than 16 cells fills
 * the top registers. So, with N = register 53 (detected cells; when it is not 1..16, the count of
 * non-zero cell registers):
 *   1. N = 16: registers 0–15.
 *   2. Exactly N cell registers are non-zero: those registers (either end of the block).
 *   3. Otherwise (a cell reads 0, a wire is off): the top N registers, 16−N..15, as in CLARK's
 *      capture, so a dead cell shows as 0 mV instead of shifting the others.
 * Cells are listed in ascending register order, so for 16S register 0 is cell 1 as RevD says.
 * Balancing bits: bit 0 = first cell (RevD), reported as cell number bit + 1.
 */
import type { LiveData, OnlineStatusName } from './live_data';
import { ONLINE_STATUS_CODES } from './registers';
import { roundTo, toInt16, wordsToFloat32, wordsToUint32 } from './words';

export type RegisterSource = ReadonlyMap<number, number> | readonly number[];

export class MissingRegisterError extends Error {
  override name = 'MissingRegisterError';
  readonly address: number;
  constructor(address: number) {
    super(`register ${address} is missing from the snapshot (live data needs registers 0–53)`);
    this.address = address;
  }
}

export const TEMPERATURE_NOT_CONNECTED = -32768;
const CELL_REGISTERS = 16;

/** Reads register `address` (a word 0..65535) from a map or an array indexed by address. */
export function registerReader(source: RegisterSource): (address: number) => number {
  const get = source instanceof Map ? (a: number) => source.get(a) : (a: number) => (source as readonly number[])[a];
  return (address) => {
    const value = get(address);
    if (value === undefined || !Number.isInteger(value)) throw new MissingRegisterError(address);
    return value & 0xffff;
  };
}

/** The cell registers that hold this pack's cells, per the rule in the header. */
export function cellRegisterIndexes(cellWords: readonly number[], detectedCells: number): number[] {
  // Plain loops: this runs on every poll (no callback per cell).
  const populated: number[] = [];
  for (let index = 0; index < cellWords.length; index++) if (cellWords[index] !== 0) populated.push(index);
  const count = detectedCells >= 1 && detectedCells <= CELL_REGISTERS ? detectedCells : populated.length;
  if (count === populated.length) return populated;
  const top: number[] = [];
  for (let index = CELL_REGISTERS - count; index < CELL_REGISTERS; index++) top.push(index);
  return top;
}

export function onlineStatusName(code: number): OnlineStatusName {
  return (ONLINE_STATUS_CODES[code] as OnlineStatusName | undefined) ?? 'unknown';
}

/** 1-based cell numbers of the set bits (bit 0 = cell 1). */
export function bitsToCells(bits: number): number[] {
  const cells: number[] = [];
  for (let bit = 0; bit < 16; bit++) if (bits & (1 << bit)) cells.push(bit + 1);
  return cells;
}

/** Readings outside this band are a broken sensor or wire, not a temperature. */
export const TEMPERATURE_PLAUSIBLE_C = Object.freeze({ min: -60, max: 150 });

/** Tenths of a degree (INT16) → °C, or null for a sensor that is not connected (−32768) or implausible. */
export function sensorTemperature(word: number): number | null {
  const raw = toInt16(word);
  if (raw === TEMPERATURE_NOT_CONNECTED) return null;
  const celsius = raw / 10;
  return celsius >= TEMPERATURE_PLAUSIBLE_C.min && celsius <= TEMPERATURE_PLAUSIBLE_C.max ? celsius : null;
}

/** The temperature fields of LiveData from the two cell sensors and the board sensor (all may be null). */
export function temperatureFields(cellSensors: readonly (number | null)[], internal: number | null): Pick<LiveData, 'cell_temperatures_c' | 'temperatures_c' | 'temp_sensor_count' | 'min_temperature_c' | 'max_temperature_c' | 'internal_temperature_c'> {
  const connected = cellSensors.filter((t): t is number => t !== null);
  return {
    cell_temperatures_c: [...cellSensors],
    temperatures_c: connected,
    temp_sensor_count: connected.length,
    min_temperature_c: connected.length ? Math.min(...connected) : NaN,
    max_temperature_c: connected.length ? Math.max(...connected) : NaN,
    internal_temperature_c: internal,
  };
}

/** The registers liveDataFromRegisters reads, in the order it used to read them (the first missing one is reported). */
const LIVE_REGISTERS_READ = Object.freeze([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 53, 36, 37, 38, 39, 40, 41, 42, 43, 48, 50, 52, 46, 47, 45, 51, 32, 33, 34, 35]);

/** The snapshot as an array indexed by address, every read register checked once (no reader closure per poll). */
function liveWords(registers: RegisterSource): readonly (number | undefined)[] {
  const words: readonly (number | undefined)[] = registers instanceof Map ? Array.from({ length: 54 }, (_, a) => registers.get(a)) : (registers as readonly number[]);
  for (let i = 0; i < LIVE_REGISTERS_READ.length; i++) {
    const address = LIVE_REGISTERS_READ[i];
    if (!Number.isInteger(words[address])) throw new MissingRegisterError(address);
  }
  return words;
}

/**
 * Decodes a live-data snapshot. `registers` must hold 0–15 and 32–53 (an array from a read at
 * address 0 does). Throws MissingRegisterError otherwise. `data_valid` is true: the caller only
 * decodes registers that came from CRC-checked frames of this poll.
 */
export function liveDataFromRegisters(registers: RegisterSource, timestampMs: number): LiveData {
  // Checked once by liveWords; read inline (a call per register costs XS more than the masking).
  const w = liveWords(registers) as readonly number[];
  const cellWords: number[] = [];
  for (let i = 0; i < CELL_REGISTERS; i++) cellWords.push(w[i] & 0xffff);
  const cellIndexes = cellRegisterIndexes(cellWords, w[53] & 0xffff);
  const cellVoltages: number[] = [];
  for (let i = 0; i < cellIndexes.length; i++) cellVoltages.push(cellWords[cellIndexes[i]] / 10);

  const voltage = wordsToFloat32(w[36] & 0xffff, w[37] & 0xffff);
  const current = wordsToFloat32(w[38] & 0xffff, w[39] & 0xffff);
  const minCell = w[40] & 0xffff;
  const maxCell = w[41] & 0xffff;
  // The board sensor (48) is never a cell temperature; each sensor fails alone (issue 12 items 2, 3).
  const temperatures = temperatureFields([sensorTemperature(w[42] & 0xffff), sensorTemperature(w[43] & 0xffff)], sensorTemperature(w[48] & 0xffff));
  const statusCode = w[50] & 0xffff;
  const balancing = w[52] & 0xffff;

  return {
    timestamp_ms: timestampMs,
    data_valid: true,
    pack_voltage_v: voltage,
    pack_current_a: current,
    power_w: roundTo(voltage * current, 2),
    state_of_charge_pct: wordsToUint32(w[46] & 0xffff, w[47] & 0xffff) / 1e6,
    state_of_health_pct: roundTo((w[45] & 0xffff) * 0.002, 3),
    cell_count: cellVoltages.length,
    cell_voltage_mv: cellVoltages,
    min_cell_voltage_mv: minCell,
    max_cell_voltage_mv: maxCell,
    cell_delta_mv: Math.max(0, maxCell - minCell),
    ...temperatures,
    online_status: onlineStatusName(statusCode),
    online_status_code: statusCode,
    balancing_cells: bitsToCells(balancing),
    balancing_bits: balancing,
    needs_balancing_bits: w[51] & 0xffff,
    lifetime_s: wordsToUint32(w[32] & 0xffff, w[33] & 0xffff),
    time_left_s: wordsToUint32(w[34] & 0xffff, w[35] & 0xffff),
  };
}
