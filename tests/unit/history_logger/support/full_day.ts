/** A full day of 5 s history samples (17 280), with values that vary so lines differ in length. */
import { csvHeader, formatLine, type HistorySample } from '../../../../modules/history_logger';

export const SAMPLES_PER_DAY = 17_280;

/** Sample i of the day starting at `dayStartMs`; every value is exact in its CSV decimals. */
export function sampleAt(dayStartMs: number, i: number): HistorySample {
  return {
    timestamp_ms: dayStartMs + i * 5000,
    pack_voltage_v: (4800 + (i % 700)) / 100,
    pack_current_a: ((i % 401) - 200) / 4,
    state_of_charge_pct: (i % 1001) / 10,
    max_temperature_c: i % 97 === 0 ? null : (200 + (i % 50)) / 10,
    min_temperature_c: 18,
    max_cell_voltage_mv: 3300 + (i % 60),
    min_cell_voltage_mv: i % 89 === 0 ? null : 3280 + (i % 30),
  };
}

export function fullDay(dayStartMs: number): HistorySample[] {
  return Array.from({ length: SAMPLES_PER_DAY }, (_, i) => sampleAt(dayStartMs, i));
}

/** The day file the logger would have written for `samples`. */
export function dayFileText(samples: readonly HistorySample[]): string {
  return `${csvHeader()}\n${samples.map((s) => formatLine(s)).join('')}`;
}
