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
import { float32FromBits, roundTo, toInt16 } from './words';

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

/** Plausible sensor readings, °C: outside them it is a broken sensor or wire, not a temperature (plain constants: read three times a poll). */
const PLAUSIBLE_MIN_C = -60;
const PLAUSIBLE_MAX_C = 150;

/** Tenths of a degree (INT16) → °C, or null for a sensor that is not connected (−32768) or implausible. */
export function sensorTemperature(word: number): number | null {
  const raw = toInt16(word);
  if (raw === TEMPERATURE_NOT_CONNECTED) return null;
  const celsius = raw / 10;
  return celsius >= PLAUSIBLE_MIN_C && celsius <= PLAUSIBLE_MAX_C ? celsius : null;
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
/** Registers 0–53: what a live snapshot needs. */
const LIVE_WORDS = 54;
const READ_HOLDING = 0x03;

/**
 * Decodes a live-data snapshot. `registers` must hold 0–15 and 32–53 (an array from a read at
 * address 0 does). Throws MissingRegisterError otherwise. `data_valid` is true: the caller only
 * decodes registers that came from CRC-checked frames of this poll. (The simulator and the CLI;
 * the poller decodes its answers' bytes directly with liveDataFromReadAnswer.)
 */
export function liveDataFromRegisters(registers: RegisterSource, timestampMs: number): LiveData {
  const words: readonly (number | undefined)[] = registers instanceof Map ? Array.from({ length: LIVE_WORDS }, (_, a) => registers.get(a)) : (registers as readonly number[]);
  for (let i = 0; i < LIVE_REGISTERS_READ.length; i++) {
    const address = LIVE_REGISTERS_READ[i];
    if (!Number.isInteger(words[address])) throw new MissingRegisterError(address);
  }
  // The same bytes as a Modbus 0x03 answer carries them (big-endian words), so there is one decoder.
  const bytes = new Uint8Array(2 * LIVE_WORDS);
  for (let address = 0; address < LIVE_WORDS; address++) {
    const word = Number.isInteger(words[address]) ? (words[address] as number) & 0xffff : 0;
    bytes[2 * address] = word >>> 8;
    bytes[2 * address + 1] = word & 0xff;
  }
  return liveDataFromWordBytes(bytes, 0, timestampMs);
}

/**
 * Decodes the poll's answer — a CRC-checked Modbus 0x03 frame for a read from register 0 — straight
 * from its bytes into LiveData, with no register array in between (issue 13). Undefined when the
 * frame is not such an answer or carries fewer than registers 0–53.
 */
export function liveDataFromReadAnswer(frame: Uint8Array, timestampMs: number): LiveData | undefined {
  if (frame[1] !== READ_HOLDING || frame[2] < 2 * LIVE_WORDS || frame.length !== frame[2] + 5) return undefined;
  return liveDataFromWordBytes(frame, 3, timestampMs);
}

/**
 * The decoder: register `a` is the big-endian word at bytes[base + 2a]. Straight-line reads and
 * index loops: this runs on every poll, and each call or closure costs XS more than the arithmetic.
 */
function liveDataFromWordBytes(b: Uint8Array, base: number, timestampMs: number): LiveData {
  // Cells (registers 0–15) by the rule in the header: the populated registers when there are
  // exactly as many as detected cells (register 53), else the top N.
  let cellVoltages: number[] = [];
  const cellsEnd = base + 2 * CELL_REGISTERS;
  for (let i = base; i < cellsEnd; i += 2) {
    const word = (b[i] << 8) | b[i + 1];
    if (word !== 0) cellVoltages.push(word / 10);
  }
  const detected = (b[base + 106] << 8) | b[base + 107];
  if (detected >= 1 && detected <= CELL_REGISTERS && detected !== cellVoltages.length) {
    // Rare (a dead cell or wire): the top N registers, zeros included.
    cellVoltages = [];
    for (let i = cellsEnd - 2 * detected; i < cellsEnd; i += 2) cellVoltages.push(((b[i] << 8) | b[i + 1]) / 10);
  }

  // FLOAT and UINT32 keep the low word at the lower address.
  const voltage = float32FromBits(((b[base + 74] << 24) | (b[base + 75] << 16) | (b[base + 72] << 8) | b[base + 73]) >>> 0);
  const current = float32FromBits(((b[base + 78] << 24) | (b[base + 79] << 16) | (b[base + 76] << 8) | b[base + 77]) >>> 0);
  const minCell = (b[base + 80] << 8) | b[base + 81];
  const maxCell = (b[base + 82] << 8) | b[base + 83];
  // The board sensor (48) is never a cell temperature; each sensor fails alone (issue 12 items 2, 3).
  const sensor1 = sensorTemperature((b[base + 84] << 8) | b[base + 85]);
  const sensor2 = sensorTemperature((b[base + 86] << 8) | b[base + 87]);
  const connected: number[] = [];
  if (sensor1 !== null) connected.push(sensor1);
  if (sensor2 !== null) connected.push(sensor2);
  const sensors = connected.length;
  const statusCode = (b[base + 100] << 8) | b[base + 101];
  const balancing = (b[base + 104] << 8) | b[base + 105];
  const balancingCells: number[] = [];
  // Only as far as the highest set bit (none, mostly: no loop at all).
  for (let bits = balancing, cell = 1; bits !== 0; bits >>>= 1, cell++) if (bits & 1) balancingCells.push(cell);

  return {
    timestamp_ms: timestampMs,
    data_valid: true,
    pack_voltage_v: voltage,
    pack_current_a: current,
    power_w: roundTo(voltage * current, 2),
    state_of_charge_pct: (((b[base + 94] << 8) | b[base + 95]) * 0x10000 + ((b[base + 92] << 8) | b[base + 93])) / 1e6,
    state_of_health_pct: roundTo(((b[base + 90] << 8) | b[base + 91]) * 0.002, 3),
    cell_count: cellVoltages.length,
    cell_voltage_mv: cellVoltages,
    min_cell_voltage_mv: minCell,
    max_cell_voltage_mv: maxCell,
    cell_delta_mv: maxCell > minCell ? maxCell - minCell : 0,
    cell_temperatures_c: [sensor1, sensor2],
    temperatures_c: connected,
    temp_sensor_count: sensors,
    min_temperature_c: sensors === 0 ? NaN : sensors === 1 || connected[0] < connected[1] ? connected[0] : connected[1],
    max_temperature_c: sensors === 0 ? NaN : sensors === 1 || connected[0] > connected[1] ? connected[0] : connected[1],
    internal_temperature_c: sensorTemperature((b[base + 96] << 8) | b[base + 97]),
    online_status: onlineStatusName(statusCode),
    online_status_code: statusCode,
    balancing_cells: balancingCells,
    balancing_bits: balancing,
    needs_balancing_bits: (b[base + 102] << 8) | b[base + 103],
    lifetime_s: ((b[base + 66] << 8) | b[base + 67]) * 0x10000 + ((b[base + 64] << 8) | b[base + 65]),
    time_left_s: ((b[base + 70] << 8) | b[base + 71]) * 0x10000 + ((b[base + 68] << 8) | b[base + 69]),
  };
}
