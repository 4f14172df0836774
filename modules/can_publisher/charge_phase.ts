/**
 * Bulk → absorption → float, with hysteresis (victron-can.md §6.1/§6.2). Bulk and absorption share
 * the bulk voltage; absorption starts when the pack reaches it and ends in float when the BMS says
 * full, the SOC reaches `float_enter_soc_pct` or the absorption time runs out. Float returns to
 * bulk only when the SOC falls below `float_exit_soc_pct`.
 */
import type { ChargeConfig } from '../config_manager/config_types';
import type { ChargePhase } from './charge_state';

/** Absorption begins within this many mV per cell of the bulk voltage… */
export const ABSORPTION_ENTER_MARGIN_MV_PER_CELL = 10;
/** …and gives way to bulk again when a load pulls the pack this far below it. */
export const ABSORPTION_EXIT_MARGIN_MV_PER_CELL = 50;

export interface PhaseInput {
  pack_voltage_v: number;
  state_of_charge_pct: number;
  /** TinyBMS online status "fully charged". */
  fully_charged: boolean;
  now_ms: number;
  series_cells: number;
}

export interface PhaseResult {
  phase: ChargePhase;
  absorption_since_ms: number | undefined;
}

export function nextPhase(previous: PhaseResult, input: PhaseInput, c: ChargeConfig): PhaseResult {
  const full = input.fully_charged || input.state_of_charge_pct >= c.float_enter_soc_pct;
  if (previous.phase === 'float') {
    const rebulk = !input.fully_charged && input.state_of_charge_pct < c.float_exit_soc_pct;
    return rebulk ? { phase: 'bulk', absorption_since_ms: undefined } : previous;
  }
  if (full) return { phase: 'float', absorption_since_ms: undefined };
  const bulkMv = input.series_cells * c.bulk_cell_mv;
  const packMv = input.pack_voltage_v * 1000;
  if (previous.phase === 'bulk') {
    const reached = packMv >= bulkMv - input.series_cells * ABSORPTION_ENTER_MARGIN_MV_PER_CELL;
    return reached ? { phase: 'absorption', absorption_since_ms: input.now_ms } : previous;
  }
  if (packMv < bulkMv - input.series_cells * ABSORPTION_EXIT_MARGIN_MV_PER_CELL) return { phase: 'bulk', absorption_since_ms: undefined };
  const since = previous.absorption_since_ms ?? input.now_ms;
  if (input.now_ms - since >= c.absorption_time_s * 1000) return { phase: 'float', absorption_since_ms: undefined };
  return { phase: 'absorption', absorption_since_ms: since };
}
