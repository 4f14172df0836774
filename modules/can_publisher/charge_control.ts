/**
 * Charge control: CVL, CCL and DCL from one BMS snapshot, the configuration and the previous state
 * (pure; victron-can.md §5–§6). Order of work:
 *   1. unusable data (missing, invalid, stale, implausible) → no permission at all, nothing to send;
 *   2. phase (bulk / absorption / float) gives the CVL; protections may only lower it;
 *   3. currents = configured maximum × the smallest protection factor;
 *   4. CVL changes are paced; everything is clamped to the configured bounds and the 0.1 V/0.1 A grid.
 * A full battery is stopped by the float CVL, not by CCL = 0 (Victron's advice, §5).
 */
import type { ChargeConfig } from '../config_manager/config_types';
import type { ChargeLimits } from '../event_bus/events';
import type { LiveData } from '../uart_bms/live_data';
import { nextPhase } from './charge_phase';
import type { ChargeState } from './charge_state';
import { paceCvl } from './cvl_pacing';
import { unusableDataReason } from './data_check';
import {
  CHARGE_CONSTANTS,
  cellOvervoltage,
  cellUndervoltage,
  chargeTemperature,
  dischargeTemperature,
  imbalanceHold,
  overvoltageCvlCeiling,
  socChargeFactor,
  socDischargeFactor,
} from './protections';

export interface ChargeSettings {
  charge: ChargeConfig;
  /** bms.stale_after_ms: older data never drives limits. */
  stale_after_ms: number;
  /** Lowest CVL ever sent (Pylontech on 16 cells: stay above the GX's 30–54 V substitution window). */
  min_cvl_v?: number;
  /** bms.soc_full_pct / bms.soc_empty_pct: where the SOC tapers of CCL and DCL reach their floor (default 100 / 5). */
  soc_full_pct?: number;
  soc_empty_pct?: number;
}

export interface ChargeDecision {
  limits: ChargeLimits;
  state: ChargeState;
  /** The limits come from usable data and may go on the bus; false = send no 0x351 at all. */
  usable: boolean;
  /** Pylontech 0x35C "force charge I": cells at their minimum and charging is allowed. */
  force_charge_request: boolean;
}

const tenthsDown = (v: number) => Math.floor(v * 10 + 1e-9) / 10;
const tenthsUp = (v: number) => Math.ceil(v * 10 - 1e-9) / 10;

/** Rounds to the 0.1 grid of the 0x351 fields without leaving [low, high]. */
function onGrid(value: number, low: number, high: number): number {
  const rounded = Math.round(value * 10) / 10;
  return Math.min(tenthsDown(high), Math.max(tenthsUp(low), rounded));
}

export function cvlBounds(settings: ChargeSettings): { low: number; high: number } {
  const c = settings.charge;
  const high = (c.series_cells * c.cell_max_mv) / 1000;
  const low = Math.min(high, Math.max((c.series_cells * c.cell_min_mv) / 1000, settings.min_cvl_v ?? 0));
  return { low, high };
}

function unusable(reason: string, state: ChargeState, settings: ChargeSettings): ChargeDecision {
  const c = settings.charge;
  return {
    limits: {
      charge_voltage_limit_v: 0,
      charge_current_limit_a: 0,
      discharge_current_limit_a: 0,
      discharge_voltage_limit_v: tenthsUp((c.series_cells * c.cell_min_mv) / 1000),
      charge_allowed: false,
      discharge_allowed: false,
      reasons: [reason],
    },
    // Phase and latches survive; the CVL starts afresh when usable data returns.
    state: { ...state, applied_cvl_v: undefined },
    usable: false,
    force_charge_request: false,
  };
}

export function computeChargeLimits(data: LiveData | undefined, nowMs: number, settings: ChargeSettings, previous: ChargeState): ChargeDecision {
  const problem = unusableDataReason(data, nowMs, settings.stale_after_ms);
  if (problem || !data) return unusable(problem ?? 'no_data', previous, settings);

  const c = settings.charge;
  const n = c.series_cells;
  const reasons: string[] = [];
  const maxCell = data.max_cell_voltage_mv;
  const minCell = data.min_cell_voltage_mv;

  const phase = nextPhase(
    { phase: previous.phase, absorption_since_ms: previous.absorption_since_ms },
    { pack_voltage_v: data.pack_voltage_v, state_of_charge_pct: data.state_of_charge_pct, fully_charged: data.online_status === 'fully_charged', now_ms: nowMs, series_cells: n },
    c,
  );
  reasons.push(phase.phase);

  const ov = cellOvervoltage(maxCell, c, previous.latches.cell_overvoltage);
  const uv = cellUndervoltage(minCell, c, previous.latches.cell_undervoltage);
  const chargeTemp = chargeTemperature(data.min_temperature_c, data.max_temperature_c, c, {
    too_cold: previous.latches.charge_too_cold,
    too_hot: previous.latches.charge_too_hot,
  });
  const dischargeTemp = dischargeTemperature(data.max_temperature_c, c, previous.latches.discharge_too_hot);
  const imbalance = imbalanceHold(maxCell - minCell, c, previous.latches.imbalance_hold);
  const cellCountMismatch = data.cell_count > 0 && data.cell_count !== n;

  // CVL: the phase voltage, lowered (never raised) by the over-voltage controller and the imbalance hold.
  const phaseCvl = ((phase.phase === 'float' ? c.float_cell_mv : c.bulk_cell_mv) * n) / 1000;
  let target = phaseCvl;
  const ceiling = overvoltageCvlCeiling(data.cell_voltage_mv, n, maxCell, data.pack_voltage_v, c);
  if (ceiling !== undefined && ceiling < target) target = tenthsDown(ceiling);
  if (imbalance) target = Math.min(target, (c.float_cell_mv * n) / 1000);
  const bounds = cvlBounds(settings);
  const paced = paceCvl({
    applied_cvl_v: previous.applied_cvl_v,
    cvl_changed_ms: previous.cvl_changed_ms,
    target_cvl_v: onGrid(target, bounds.low, bounds.high),
    protective: target < phaseCvl,
    now_ms: nowMs,
    min_interval_ms: c.cvl_min_interval_s * 1000,
    series_cells: n,
  });
  const cvl = onGrid(paced.cvl_v, bounds.low, bounds.high);

  // Currents: configured maximum × the tightest factor.
  const socCharge = socChargeFactor(data.state_of_charge_pct, settings.soc_full_pct);
  let chargeFactor = Math.min(ov.factor, chargeTemp.factor, socCharge);
  if (imbalance) chargeFactor = Math.min(chargeFactor, CHARGE_CONSTANTS.imbalance_hold_ccl_fraction);
  if (cellCountMismatch) chargeFactor = 0;
  // The BMS itself reports a fault (0x9B): whatever tripped it, never ask for charge current.
  // Discharge stays with the other protections (DCL = 0 would shut an island inverter down).
  const bmsFault = data.online_status === 'fault';
  if (bmsFault) chargeFactor = 0;
  const socDischarge = socDischargeFactor(data.state_of_charge_pct, settings.soc_empty_pct);
  const dischargeFactor = Math.min(uv.factor, dischargeTemp.factor, socDischarge);
  const ccl = onGrid(c.max_charge_current_a * chargeFactor, 0, c.max_charge_current_a);
  const dcl = onGrid(c.max_discharge_current_a * dischargeFactor, 0, c.max_discharge_current_a);

  if (ov.latched || ov.factor < 1 || ceiling !== undefined) reasons.push('cell_overvoltage');
  if (uv.latched || uv.factor < 1) reasons.push('cell_undervoltage');
  if (chargeTemp.too_cold) reasons.push('charge_temperature_low');
  if (chargeTemp.too_hot) reasons.push('charge_temperature_high');
  if (!chargeTemp.too_cold && !chargeTemp.too_hot && chargeTemp.factor < 1) reasons.push('charge_temperature_derating');
  if (dischargeTemp.latched) reasons.push('discharge_temperature_high');
  else if (dischargeTemp.factor < 1) reasons.push('discharge_temperature_derating');
  if (socCharge < 1) reasons.push('soc_charge_taper');
  if (socDischarge < 1) reasons.push('soc_discharge_taper');
  if (imbalance) reasons.push('imbalance_hold');
  if (cellCountMismatch) reasons.push('cell_count_mismatch');
  if (bmsFault) reasons.push('bms_fault');
  if (paced.paced) reasons.push('cvl_paced');

  const charge_allowed = ccl > 0;
  return {
    limits: {
      charge_voltage_limit_v: cvl,
      charge_current_limit_a: ccl,
      discharge_current_limit_a: dcl,
      discharge_voltage_limit_v: onGrid((n * c.cell_min_mv) / 1000, (n * c.cell_min_mv) / 1000, bounds.high),
      charge_allowed,
      discharge_allowed: dcl > 0,
      reasons,
    },
    state: {
      phase: phase.phase,
      absorption_since_ms: phase.absorption_since_ms,
      latches: {
        cell_overvoltage: ov.latched,
        cell_undervoltage: uv.latched,
        charge_too_cold: chargeTemp.too_cold,
        charge_too_hot: chargeTemp.too_hot,
        discharge_too_hot: dischargeTemp.latched,
        imbalance_hold: imbalance,
      },
      applied_cvl_v: cvl,
      cvl_changed_ms: cvl === previous.applied_cvl_v ? previous.cvl_changed_ms : nowMs,
    },
    usable: true,
    force_charge_request: uv.latched && charge_allowed,
  };
}
