/**
 * The live-data decoder as it was before issue 13 decoded poll answers straight from their bytes
 * (register array → LiveData, helpers from live_decode.ts): the reference the byte decoder must
 * match field for field, key order included.
 */
import { MissingRegisterError, cellRegisterIndexes, onlineStatusName, sensorTemperature, temperatureFields, bitsToCells, type RegisterSource } from '../../../../modules/uart_bms/live_decode';
import type { LiveData } from '../../../../modules/uart_bms/live_data';
import { roundTo, wordsToFloat32, wordsToUint32 } from '../../../../modules/uart_bms/words';

const CELL_REGISTERS = 16;
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
export function referenceLiveData(registers: RegisterSource, timestampMs: number): LiveData {
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
