/**
 * Bulk → absorption → float (victron-can.md §6.1/§6.2, issue 12 item 12). Bulk and absorption
 * share the target voltage. Absorption ends in float when the cells are balanced — spread at or
 * below charge.absorption_exit_spread_mv for absorption_exit_hold_s (the timer restarts when the
 * spread opens 3 mV past it) — when the BMS says fully charged, or when absorption_time_s runs out.
 * Every full_charge_interval_days a cycle is a full charge: no early float on SOC, and the target
 * is the BMS's own fully-charged voltage (register 300), so its SOC re-syncs to 100 %.
 * Float returns to bulk when the SOC falls below float_exit_soc_pct or a full charge is due.
 */
import type { ChargeConfig } from '../config_manager/config_types';
import type { ChargePhase } from './charge_state';

/** Absorption begins within this many mV per cell of the target voltage… */
export const ABSORPTION_ENTER_MARGIN_MV_PER_CELL = 10;
/** …and gives way to bulk again when a load pulls the pack this far below it. */
export const ABSORPTION_EXIT_MARGIN_MV_PER_CELL = 50;
/** The balanced timer restarts once the spread opens this far past the exit spread. */
export const SPREAD_HYSTERESIS_MV = 3;
const DAY_MS = 86_400_000;

export interface PhaseInput {
  pack_voltage_v: number;
  state_of_charge_pct: number;
  /** TinyBMS online status "fully charged". */
  fully_charged: boolean;
  cell_spread_mv: number;
  now_ms: number;
  series_cells: number;
  /** Per-cell target of bulk/absorption, and of a full charge (register 300, higher). */
  bulk_cell_mv: number;
  full_charge_cell_mv: number;
}

export interface PhaseMemory {
  phase: ChargePhase;
  absorption_since_ms: number | undefined;
  balanced_since_ms: number | undefined;
  full_charge: boolean;
  last_full_charge_ms: number | undefined;
}

export interface PhaseResult extends PhaseMemory {
  /** Why absorption just ended, if it did. */
  ended?: 'balanced' | 'bms_full' | 'soc' | 'timeout';
}

export function fullChargeDue(m: PhaseMemory, nowMs: number, c: ChargeConfig): boolean {
  if (c.full_charge_interval_days <= 0) return false;
  return nowMs - (m.last_full_charge_ms ?? nowMs) >= c.full_charge_interval_days * DAY_MS;
}

export function nextPhase(previous: PhaseMemory, input: PhaseInput, c: ChargeConfig): PhaseResult {
  const now = input.now_ms;
  const m: PhaseMemory = { ...previous, last_full_charge_ms: previous.last_full_charge_ms ?? now };
  const due = fullChargeDue(m, now, c);
  const toFloat = (ended: PhaseResult['ended'], completesFullCharge: boolean): PhaseResult => ({
    phase: 'float',
    absorption_since_ms: undefined,
    balanced_since_ms: undefined,
    full_charge: false,
    // A timed-out full charge counts too, or a pack that never balances would retry for ever.
    last_full_charge_ms: completesFullCharge || m.full_charge ? now : m.last_full_charge_ms,
    ended,
  });
  const toBulk = (fullCharge: boolean): PhaseResult => ({ ...m, phase: 'bulk', absorption_since_ms: undefined, balanced_since_ms: undefined, full_charge: fullCharge });

  if (m.phase === 'float') {
    if (due) return toBulk(true);
    const rebulk = !input.fully_charged && input.state_of_charge_pct < c.float_exit_soc_pct;
    return rebulk ? toBulk(false) : m;
  }
  const fullCharge = m.full_charge || due;
  const targetMv = input.series_cells * (fullCharge ? input.full_charge_cell_mv : input.bulk_cell_mv);
  const packMv = input.pack_voltage_v * 1000;
  if (m.phase === 'bulk') {
    if (input.fully_charged) return toFloat('bms_full', true);
    if (!fullCharge && input.state_of_charge_pct >= c.float_enter_soc_pct) return toFloat('soc', false);
    const reached = packMv >= targetMv - input.series_cells * ABSORPTION_ENTER_MARGIN_MV_PER_CELL;
    return reached ? { ...m, phase: 'absorption', absorption_since_ms: now, balanced_since_ms: undefined, full_charge: fullCharge } : { ...m, full_charge: fullCharge };
  }
  // Absorption.
  if (packMv < targetMv - input.series_cells * ABSORPTION_EXIT_MARGIN_MV_PER_CELL) return toBulk(fullCharge);
  if (input.fully_charged) return toFloat('bms_full', true);
  const spread = input.cell_spread_mv;
  const balanced =
    spread <= c.absorption_exit_spread_mv ? (m.balanced_since_ms ?? now) : spread > c.absorption_exit_spread_mv + SPREAD_HYSTERESIS_MV ? undefined : m.balanced_since_ms;
  if (balanced !== undefined && now - balanced >= c.absorption_exit_hold_s * 1000) return toFloat('balanced', true);
  if (!fullCharge && input.state_of_charge_pct >= c.float_enter_soc_pct) return toFloat('soc', false);
  const since = m.absorption_since_ms ?? now;
  if (now - since >= c.absorption_time_s * 1000) return toFloat('timeout', false);
  return { ...m, phase: 'absorption', absorption_since_ms: since, balanced_since_ms: balanced, full_charge: fullCharge };
}
