/**
 * Register values → public API field names (gateway-api.md §Field names), for frames that carry
 * only some registers (a 0x09 answer, a 0x03 read of 36–37, a write). A live register becomes a
 * named field once every word it needs is present; everything else stays as
 * `registers: { "<address>": raw word }`. Used by the CLI and the UART monitor.
 */
import { bitsToCells, cellRegisterIndexes, onlineStatusName, TEMPERATURE_NOT_CONNECTED } from './live_decode';
import { LIVE_REGISTERS } from './register_catalog';
import type { RegisterDef } from './registers';
import { roundTo, toInt16, wordsToFloat32, wordsToUint32 } from './words';

export type FieldValue = number | string | null | number[];

export interface RegisterDescription {
  fields: Record<string, FieldValue>;
  registers: Record<string, number>;
}

const CELL_COUNT_REGISTER = 53;

/** Decimal places that keep a scaled value exact (scale 0.002 → 3, 1e-6 → 6). */
function decimalsOf(scale: number): number {
  return scale >= 1 ? 0 : Math.ceil(-Math.log10(scale) - 1e-9);
}

function liveValue(def: RegisterDef, words: number[]): FieldValue {
  switch (def.type) {
    case 'float32': return wordsToFloat32(words[0], words[1]);
    case 'uint32': return roundTo(wordsToUint32(words[0], words[1]) * def.scale, decimalsOf(def.scale));
    case 'int16': {
      const raw = toInt16(words[0]);
      return raw === TEMPERATURE_NOT_CONNECTED && def.unit === '°C' ? null : roundTo(raw * def.scale, decimalsOf(def.scale));
    }
    default: return roundTo(words[0] * def.scale, decimalsOf(def.scale));
  }
}

/** Names what it can of `values` (address → word); the rest is returned raw under `registers`. */
export function describeRegisters(values: ReadonlyMap<number, number>): RegisterDescription {
  const fields: Record<string, FieldValue> = {};
  const consumed = new Set<number>();
  const has = (...addresses: number[]) => addresses.every((a) => values.has(a));
  const word = (address: number) => (values.get(address) as number) & 0xffff;

  for (const def of LIVE_REGISTERS) {
    if (def.key.startsWith('cell_register_')) continue;
    const addresses = def.words === 2 ? [def.address, def.address + 1] : [def.address];
    if (!has(...addresses)) continue;
    addresses.forEach((a) => consumed.add(a));
    const words = addresses.map(word);
    if (def.address === 50) {
      fields.online_status = onlineStatusName(words[0]);
      fields.online_status_code = words[0];
    } else {
      fields[def.key] = liveValue(def, words);
    }
    if (def.address === 52) fields.balancing_cells = bitsToCells(words[0]);
  }

  // Cells need all 16 registers and the detected-cell count to know which registers are cells.
  const cellAddresses = Array.from({ length: 16 }, (_, i) => i);
  if (has(...cellAddresses, CELL_COUNT_REGISTER)) {
    const cellWords = cellAddresses.map(word);
    const cells = cellRegisterIndexes(cellWords, word(CELL_COUNT_REGISTER)).map((i) => cellWords[i] / 10);
    fields.cell_voltage_mv = cells;
    fields.cell_count = cells.length;
    cellAddresses.forEach((a) => consumed.add(a));
  }
  if (typeof fields.pack_voltage_v === 'number' && typeof fields.pack_current_a === 'number') fields.power_w = roundTo(fields.pack_voltage_v * fields.pack_current_a, 2);
  if (typeof fields.min_cell_voltage_mv === 'number' && typeof fields.max_cell_voltage_mv === 'number') fields.cell_delta_mv = fields.max_cell_voltage_mv - fields.min_cell_voltage_mv;
  if (has(42, 43, 48)) {
    const temperatures = [fields.external_temperature_1_c, fields.external_temperature_2_c, fields.internal_temperature_c].filter((t): t is number => typeof t === 'number');
    fields.temperatures_c = temperatures;
    fields.temp_sensor_count = temperatures.length;
    fields.min_temperature_c = Math.min(...temperatures);
    fields.max_temperature_c = Math.max(...temperatures);
  }

  const registers: Record<string, number> = {};
  for (const [address, value] of [...values].sort((a, b) => a[0] - b[0])) if (!consumed.has(address)) registers[String(address)] = value & 0xffff;
  return { fields, registers };
}

/** A map of consecutive registers starting at `address`. */
export function consecutive(address: number, values: readonly number[]): Map<number, number> {
  const map = new Map<number, number>();
  values.forEach((value, i) => map.set(address + i, value));
  return map;
}
