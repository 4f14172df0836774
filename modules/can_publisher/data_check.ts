/**
 * Whether a BMS snapshot may drive charge limits: it must be valid, recent and physically
 * plausible. Anything else is treated as no data at all (victron-can.md §4; ARCHITECTURE "no stale limits").
 * Temperatures are not checked here: a lost or implausible sensor degrades charge control (no
 * charging without a cell temperature) instead of silencing 0x351 — an island system stays up.
 */
import type { LiveData } from '../uart_bms/live_data';

const CELL_MV_RANGE = [1, 5000] as const;

function within(value: number, [low, high]: readonly [number, number]): boolean {
  return Number.isFinite(value) && value >= low && value <= high;
}

/** Why `data` cannot be used at `nowMs`, or undefined when it can. */
export function unusableDataReason(data: LiveData | undefined, nowMs: number, staleAfterMs: number): string | undefined {
  if (!data) return 'no_data';
  if (!data.data_valid) return 'invalid_data';
  if (!Number.isFinite(data.timestamp_ms) || nowMs - data.timestamp_ms > staleAfterMs) return 'stale_data';
  // A timestamp from the future would keep old data "fresh" for ever.
  if (data.timestamp_ms > nowMs) return 'future_timestamp';
  return implausibility(data);
}

function implausibility(d: LiveData): string | undefined {
  if (!Number.isFinite(d.pack_voltage_v) || d.pack_voltage_v <= 0) return 'implausible_pack_voltage';
  if (!Number.isFinite(d.pack_current_a)) return 'implausible_current';
  if (!within(d.state_of_charge_pct, [0, 100])) return 'implausible_soc';
  if (!within(d.min_cell_voltage_mv, CELL_MV_RANGE) || !within(d.max_cell_voltage_mv, CELL_MV_RANGE) || d.min_cell_voltage_mv > d.max_cell_voltage_mv) {
    return 'implausible_cell_voltage';
  }
  return undefined;
}
