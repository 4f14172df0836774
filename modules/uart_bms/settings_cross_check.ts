/**
 * Checks a settings write against the BMS as it is (issue 12 item 7): related registers must
 * stay consistent and no cut-off may trip the BMS the moment it is written. The static RevD ranges
 * are checkSettingsWrite's job; here the values after the write are checked together:
 *   - 315 over-voltage > 316 under-voltage + CUTOFF_GAP_MV; 316 < 300 fully charged ≤ 315;
 *     316 ≤ 301 fully discharged < 300; 303 early balancing < 315;
 *   - 319 over-heat ≥ 320 low-temperature charge cut-off + TEMPERATURE_GAP_C;
 *   - against the present readings: 315 above the highest cell and 316 below the lowest by
 *     LIVE_MARGIN_MV, 319 above the warmest cell sensor, 317/318 above the current flowing now;
 *   - inside the live min/max the BMS reports with command 0x1D (they narrow with the current sensor).
 * Pure; only rules that involve a written register report (an old inconsistency does not block an unrelated write).
 */
import type { SettingsError } from './settings';
import { settingCovering } from './registers';
import { toInt16 } from './words';

export const CUTOFF_GAP_MV = 200;
export const LIVE_MARGIN_MV = 50;
export const TEMPERATURE_GAP_C = 10;
export const LIVE_TEMPERATURE_MARGIN_C = 5;

export interface PresentReadings {
  max_cell_mv: number;
  min_cell_mv: number;
  /** Warmest cell sensor; NaN when none reads. */
  max_temperature_c: number;
  /** + = charge. */
  current_a: number;
}

export interface CrossCheckInput {
  /** Settings values (register type, INT16 signed) before the write, by address. */
  current: ReadonlyMap<number, number>;
  /** Values to write, by address (register type). */
  writes: ReadonlyMap<number, number>;
  /** Fresh live readings, when there are any. */
  present?: PresentReadings;
  /** Command 0x1D min and max words from register 300, when read. */
  liveMin?: readonly number[];
  liveMax?: readonly number[];
}

const KEYS: Readonly<Record<number, string>> = Object.freeze({ 300: 'fully_charged_voltage_mv', 301: 'fully_discharged_voltage_mv', 303: 'early_balancing_threshold_mv', 315: 'overvoltage_cutoff_mv', 316: 'undervoltage_cutoff_mv', 317: 'discharge_overcurrent_cutoff_a', 318: 'charge_overcurrent_cutoff_a', 319: 'overheat_cutoff_c', 320: 'low_temp_charge_cutoff_c' });

export function crossCheckSettings(input: CrossCheckInput): SettingsError[] {
  const errors: SettingsError[] = [];
  const after = (a: number) => input.writes.get(a) ?? input.current.get(a);
  const written = (...addresses: number[]) => addresses.some((a) => input.writes.has(a));
  const refuse = (address: number, message: string) => errors.push({ address, key: KEYS[address] ?? settingCovering(address)?.key, message });
  /** `lower` + gap < `upper` among the values after the write, reported on the written one. */
  const order = (lower: number, upper: number, gap: number, strict: boolean, why: string) => {
    const low = after(lower);
    const high = after(upper);
    if (low === undefined || high === undefined || !written(lower, upper)) return;
    if (strict ? low + gap < high : low + gap <= high) return;
    refuse(input.writes.has(upper) ? upper : lower, `${KEYS[lower]} ${low}${gap ? ` + ${gap}` : ''} must be ${strict ? 'below' : 'at most'} ${KEYS[upper]} ${high}: ${why}`);
  };
  order(316, 315, CUTOFF_GAP_MV, true, 'the over-voltage cut-off must sit well above the under-voltage cut-off');
  order(316, 300, 0, true, 'the pack cannot be full below its under-voltage cut-off');
  order(300, 315, 0, false, 'a full charge must end before the over-voltage cut-off');
  order(316, 301, 0, false, 'the fully-discharged level lies at or above the under-voltage cut-off');
  order(301, 300, 0, true, 'fully discharged must be below fully charged');
  order(303, 315, 0, true, 'balancing must start below the over-voltage cut-off');
  order(320, 319, TEMPERATURE_GAP_C, false, 'the over-heat cut-off must sit well above the low-temperature charge cut-off');

  const p = input.present;
  if (p) {
    const ov = input.writes.get(315);
    if (ov !== undefined && Number.isFinite(p.max_cell_mv) && ov <= p.max_cell_mv + LIVE_MARGIN_MV) refuse(315, `overvoltage_cutoff_mv ${ov} would trip the BMS at once: the highest cell reads ${p.max_cell_mv} mV (needs > ${p.max_cell_mv + LIVE_MARGIN_MV})`);
    const uv = input.writes.get(316);
    if (uv !== undefined && Number.isFinite(p.min_cell_mv) && uv >= p.min_cell_mv - LIVE_MARGIN_MV) refuse(316, `undervoltage_cutoff_mv ${uv} would trip the BMS at once: the lowest cell reads ${p.min_cell_mv} mV (needs < ${p.min_cell_mv - LIVE_MARGIN_MV})`);
    const heat = input.writes.get(319);
    if (heat !== undefined && Number.isFinite(p.max_temperature_c) && heat <= p.max_temperature_c + LIVE_TEMPERATURE_MARGIN_C) refuse(319, `overheat_cutoff_c ${heat} would trip the BMS at once: the warmest cell reads ${p.max_temperature_c} °C`);
    const dis = input.writes.get(317);
    if (dis !== undefined && Number.isFinite(p.current_a) && -p.current_a >= dis) refuse(317, `discharge_overcurrent_cutoff_a ${dis} is below the ${(-p.current_a).toFixed(1)} A flowing now`);
    const chg = input.writes.get(318);
    if (chg !== undefined && Number.isFinite(p.current_a) && p.current_a >= chg) refuse(318, `charge_overcurrent_cutoff_a ${chg} is below the ${p.current_a.toFixed(1)} A flowing now`);
  }

  for (const [address, value] of input.writes) {
    const def = settingCovering(address);
    if (!def || def.words !== 1 || def.lowByte || def.highByte || def.options) continue;
    const index = address - 300;
    const asType = (w: number | undefined) => (w === undefined ? undefined : def.type === 'int16' ? toInt16(w) : w);
    const min = asType(input.liveMin?.[index]);
    const max = asType(input.liveMax?.[index]);
    // 0/0 means the BMS gives no bound for this register.
    if (min === undefined || max === undefined || (min === 0 && max === 0) || min > max) continue;
    if (value < min || value > max) refuse(address, `${def.key} ${value} is outside ${min}..${max}, the range this BMS reports now (command 0x1D)`);
  }
  return errors;
}
