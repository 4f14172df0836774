/**
 * Charge control: CVL, CCL and DCL for ONE pack from its BMS snapshot, the BMS's own cut-offs and
 * fault causes, the configuration and the previous state (pure; victron-can.md §5–§6, issue 12).
 * `computeChargeLimits` is the per-pack boundary: inputs + state in, limits + reasons + flags +
 * next state out, no I/O and no clock — a multi-pack aggregator calls it once per pack.
 * Order of work:
 *   1. unusable data (missing, invalid, stale, implausible) → no permission at all, nothing to send;
 *   2. the configuration is moved inside the BMS's cut-offs (bms_bounds.ts);
 *   3. phase (bulk / absorption / float, periodic full charge) gives the CVL; protections may only lower it;
 *   4. each limit is the tightest of its candidates, and the winner is named (the dashboard's "Why");
 *   5. CVL changes are paced, CCL rises at most charge.ccl_ramp_a_per_s; all on the 0.1 V/0.1 A grid;
 *   6. the 0x35A flags follow the same protections (charge_flags.ts).
 * A full battery is stopped by the float CVL, not by CCL = 0 (Victron's advice, §5).
 */
import type { AlarmFlagName } from '../can_victron/alarms';
import type { ChargeConfig } from '../config_manager/config_types';
import { parseCurve, type CurvePoints } from '../config_manager/curve';
import type { ChargeLimits } from '../event_bus/events';
import type { LiveData } from '../uart_bms/live_data';
import { type BmsBoundName, type BmsCutoffs, boundByBms } from './bms_bounds';
import { FLAG_HYSTERESIS, type FlagLevels, banded, holdFlags } from './charge_flags';
import { nextPhase } from './charge_phase';
import type { ChargeState } from './charge_state';
import { paceCvl } from './cvl_pacing';
import { unusableDataReason } from './data_check';
import { FAULT_POLICY, type FaultCause, faultCauses } from './fault_causes';
import {
  CHARGE_CONSTANTS,
  cellOvervoltage,
  cellUndervoltage,
  chargeTemperature,
  dischargeCold,
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
  /** alerts.current_max_a: the current flags' alarm level (with the BMS cut-offs). */
  current_alarm_a?: number;
  /** alerts.imbalance_max_mv: the imbalance flag's alarm level. */
  imbalance_alarm_mv?: number;
  /**
   * charge.discharge_temperature_curve already parsed (the caller keeps it while the text is
   * unchanged: parsing costs more than the rest of a decision); parsed here when absent.
   */
  discharge_curve?: CurvePoints;
}

/** What the BMS itself says beyond the live registers. */
export interface BmsContext {
  /** Registers 300, 315–320 as last read; absent = not read yet. */
  cutoffs?: BmsCutoffs;
  /** Fault causes still open in the BMS event log (fault_causes.ts openFaultCauses). */
  logged_fault_causes?: readonly FaultCause[];
}

/** What holds each limit where it is (a reason name) — the dashboard's "Why". */
export interface LimitingFactors {
  cvl: string;
  ccl: string;
  dcl: string;
}

export interface ChargeDecision {
  limits: ChargeLimits;
  state: ChargeState;
  /** The limits come from usable data and may go on the bus; false = send no 0x351 at all. */
  usable: boolean;
  /** Pylontech 0x35C "force charge I": cells at their minimum and charging is allowed. */
  force_charge_request: boolean;
  /** 0x35A/0x359 flag levels, in line with the limits. */
  flags: FlagLevels;
  /** Causes of a BMS fault (empty without one). */
  fault_causes: FaultCause[];
}

const tenthsDown = (v: number) => Math.floor(v * 10 + 1e-9) / 10;
const tenthsUp = (v: number) => Math.ceil(v * 10 - 1e-9) / 10;

/** Rounds to the 0.1 grid of the 0x351 fields without leaving [low, high]. */
function onGrid(value: number, low: number, high: number): number {
  const rounded = Math.round(value * 10) / 10;
  return Math.min(tenthsDown(high), Math.max(tenthsUp(low), rounded));
}

/** CVL range: cells × [cell_min, cell_max], the top also under the BMS's over-voltage cut-off less margin. */
export function cvlBounds(settings: ChargeSettings, cellCapMv?: number): { low: number; high: number } {
  const c = settings.charge;
  const cellMax = cellCapMv === undefined ? c.cell_max_mv : Math.min(c.cell_max_mv, cellCapMv);
  const high = (c.series_cells * cellMax) / 1000;
  const low = Math.min(high, Math.max((c.series_cells * c.cell_min_mv) / 1000, settings.min_cvl_v ?? 0));
  return { low, high };
}

/** The smallest offer wins and keeps its name; ties go to the earlier offer. */
class Tightest {
  value = Infinity;
  why = '';
  offer(value: number, why: string): void {
    if (value < this.value) {
      this.value = value;
      this.why = why;
    }
  }
}

const FALLBACK_CURVE: CurvePoints = [
  [-10, 0],
  [5, 1],
];
/** No module-level cache (state in flash once preloaded): the publisher keeps the parsed curve (ChargeSettings.discharge_curve). */
export function curveOf(text: string): CurvePoints {
  const parsed = parseCurve(text);
  return parsed.ok ? parsed.points : FALLBACK_CURVE;
}

const TEMPERATURE_C_RANGE = [-60, 150] as const;
/** The cell temperatures charge control can trust: the board sensor is never one of them. */
function cellTemperatureRange(d: LiveData): { min: number; max: number } | undefined {
  const ok = (t: number) => Number.isFinite(t) && t >= TEMPERATURE_C_RANGE[0] && t <= TEMPERATURE_C_RANGE[1];
  if (!(d.temp_sensor_count > 0) || !ok(d.min_temperature_c) || !ok(d.max_temperature_c)) return undefined;
  return { min: Math.min(d.min_temperature_c, d.max_temperature_c), max: Math.max(d.min_temperature_c, d.max_temperature_c) };
}

function unusable(reason: string, state: ChargeState, settings: ChargeSettings, nowMs: number): ChargeDecision {
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
      limiting: { cvl: reason, ccl: reason, dcl: reason },
      bms_bounds: [],
    },
    // Phase and latches survive; CVL starts afresh and CCL ramps up from 0 when usable data returns.
    state: { ...state, applied_cvl_v: undefined, applied_ccl_a: 0, ccl_at_ms: nowMs },
    usable: false,
    force_charge_request: false,
    flags: { bms_internal: 'alarm' },
    fault_causes: [],
  };
}

export function computeChargeLimits(data: LiveData | undefined, nowMs: number, settings: ChargeSettings, previous: ChargeState, bms: BmsContext = {}): ChargeDecision {
  const problem = unusableDataReason(data, nowMs, settings.stale_after_ms);
  if (problem || !data) return unusable(problem ?? 'no_data', previous, settings, nowMs);

  const configured = settings.charge;
  const bounded = boundByBms(configured, bms.cutoffs);
  const c = bounded.config;
  const n = c.series_cells;
  const reasons: string[] = [];
  const maxCell = data.max_cell_voltage_mv;
  const minCell = data.min_cell_voltage_mv;
  const spread = maxCell - minCell;
  const temps = cellTemperatureRange(data);
  const causes = faultCauses(data, bms.cutoffs, temps ? [temps.min, temps.max] : [], bms.logged_fault_causes ?? []);

  // Phase: a full charge aims at the BMS's own "fully charged" voltage, below the protection start.
  const fullChargeCellMv = Math.min(Math.max(bms.cutoffs?.fully_charged_mv ?? c.bulk_cell_mv, c.bulk_cell_mv), c.cell_protect_start_mv);
  const phase = nextPhase(
    previous,
    {
      pack_voltage_v: data.pack_voltage_v,
      state_of_charge_pct: data.state_of_charge_pct,
      fully_charged: data.online_status === 'fully_charged',
      cell_spread_mv: spread,
      now_ms: nowMs,
      series_cells: n,
      bulk_cell_mv: c.bulk_cell_mv,
      full_charge_cell_mv: fullChargeCellMv,
    },
    c,
  );
  reasons.push(phase.phase);
  if (phase.full_charge) reasons.push('full_charge');
  if (phase.ended) reasons.push(`absorption_end_${phase.ended}`);

  const L = previous.latches;
  const ov = cellOvervoltage(maxCell, c, L.cell_overvoltage);
  const uv = cellUndervoltage(minCell, c, L.cell_undervoltage);
  const chargeTemp = temps
    ? chargeTemperature(temps.min, temps.max, c, { too_cold: L.charge_too_cold, too_hot: L.charge_too_hot })
    : { too_cold: L.charge_too_cold, too_hot: L.charge_too_hot, factor: 0 };
  const dischargeTemp = temps ? dischargeTemperature(temps.max, c, L.discharge_too_hot) : { latched: L.discharge_too_hot, factor: L.discharge_too_hot ? 0 : 1 };
  const curve = settings.discharge_curve ?? curveOf(configured.discharge_temperature_curve);
  const cold = temps ? dischargeCold(temps.min, curve, L.discharge_too_cold) : { latched: L.discharge_too_cold, factor: L.discharge_too_cold ? 0 : 1, full_from_c: Infinity };
  const imbalance = imbalanceHold(spread, maxCell, c, L.imbalance_hold);
  const cellCountMismatch = data.cell_count > 0 && data.cell_count !== n;

  // ---- CVL: the phase voltage, lowered (never raised) by the protections and the bounds.
  const phaseCellMv = phase.phase === 'float' ? c.float_cell_mv : phase.full_charge ? fullChargeCellMv : c.bulk_cell_mv;
  const phaseCvl = (phaseCellMv * n) / 1000;
  const cvl = new Tightest();
  const phaseName = phase.full_charge && phase.phase !== 'float' ? 'full_charge' : phase.phase;
  // A phase voltage the over-voltage cut-off pulled down is that bound's doing.
  const loweredByBms = bounded.active.includes('bms_overvoltage_cutoff') && (c.bulk_cell_mv < configured.bulk_cell_mv || c.float_cell_mv < configured.float_cell_mv);
  cvl.offer(phaseCvl, loweredByBms ? 'bms_overvoltage_cutoff' : phaseName);
  const ceiling = overvoltageCvlCeiling(data.cell_voltage_mv, n, maxCell, data.pack_voltage_v, c);
  if (ceiling !== undefined) cvl.offer(tenthsDown(ceiling), 'cell_overvoltage');
  if (imbalance) cvl.offer((c.float_cell_mv * n) / 1000, 'imbalance_hold');
  cvl.offer((n * configured.cell_max_mv) / 1000, 'config_cell_max');
  if (bounded.cvl_cell_cap_mv !== undefined) cvl.offer((n * bounded.cvl_cell_cap_mv) / 1000, 'bms_overvoltage_cutoff');
  const bounds = cvlBounds(settings, bounded.cvl_cell_cap_mv);
  const paced = paceCvl({
    applied_cvl_v: previous.applied_cvl_v,
    cvl_changed_ms: previous.cvl_changed_ms,
    target_cvl_v: onGrid(cvl.value, bounds.low, bounds.high),
    protective: cvl.value < phaseCvl,
    now_ms: nowMs,
    min_interval_ms: c.cvl_min_interval_s * 1000,
    series_cells: n,
  });
  const cvlV = onGrid(paced.cvl_v, bounds.low, bounds.high);
  const cvlWhy = paced.paced ? 'cvl_paced' : cvlV > tenthsDown(cvl.value) + 1e-9 && cvlV === tenthsUp(bounds.low) ? 'config_cell_min' : cvl.why;

  // ---- CCL: the tightest of the configured maximum, the BMS cut-off and every protection.
  const maxC = c.max_charge_current_a;
  const ccl = new Tightest();
  ccl.offer(maxC, 'config_max');
  if (bounded.ccl_cap_a !== undefined) ccl.offer(bounded.ccl_cap_a, 'bms_charge_overcurrent_cutoff');
  ccl.offer(maxC * ov.factor, 'cell_overvoltage');
  if (!temps) ccl.offer(0, 'no_cell_temperature');
  else ccl.offer(maxC * chargeTemp.factor, chargeTemp.too_cold ? 'charge_temperature_low' : chargeTemp.too_hot ? 'charge_temperature_high' : 'charge_temperature_derating');
  const socCharge = socChargeFactor(data.state_of_charge_pct, settings.soc_full_pct);
  ccl.offer(maxC * socCharge, 'soc_charge_taper');
  if (imbalance) ccl.offer(maxC * CHARGE_CONSTANTS.imbalance_hold_ccl_fraction, 'imbalance_hold');
  if (cellCountMismatch) ccl.offer(0, 'cell_count_mismatch');
  for (const cause of causes) {
    const rule = FAULT_POLICY[cause].charge;
    if (rule === 'block') ccl.offer(0, `bms_fault_${cause}`);
    else if (rule === 'recovery') ccl.offer(c.recovery_charge_current_a, `bms_fault_${cause}`);
  }
  const cclHigh = Math.min(maxC, bounded.ccl_cap_a ?? Infinity);
  const cclTarget = onGrid(ccl.value, 0, cclHigh);
  // Slew limit: falls at once, rises at most ccl_ramp_a_per_s (no 0 → 100 A step after a latch or a data gap).
  // The first evaluation after start counts as one 1 s publisher cycle from 0.
  const elapsedS = previous.ccl_at_ms === undefined ? 1 : Math.max(0, nowMs - previous.ccl_at_ms) / 1000;
  const rampCeiling = previous.applied_ccl_a + c.ccl_ramp_a_per_s * elapsedS;
  const ramped = cclTarget > rampCeiling;
  const cclA = ramped ? Math.min(cclTarget, tenthsDown(rampCeiling)) : cclTarget;
  const cclWhy = ramped ? 'ccl_ramp' : ccl.why;

  // ---- DCL.
  const maxD = c.max_discharge_current_a;
  const dcl = new Tightest();
  dcl.offer(maxD, 'config_max');
  if (bounded.dcl_cap_a !== undefined) dcl.offer(bounded.dcl_cap_a, 'bms_discharge_overcurrent_cutoff');
  dcl.offer(maxD * uv.factor, 'cell_undervoltage');
  dcl.offer(maxD * dischargeTemp.factor, dischargeTemp.latched ? 'discharge_temperature_high' : 'discharge_temperature_derating');
  dcl.offer(maxD * cold.factor, cold.latched ? 'discharge_temperature_low' : 'discharge_temperature_cold_derating');
  const socDischarge = socDischargeFactor(data.state_of_charge_pct, settings.soc_empty_pct);
  dcl.offer(maxD * socDischarge, 'soc_discharge_taper');
  for (const cause of causes) if (FAULT_POLICY[cause].discharge === 'block') dcl.offer(0, `bms_fault_${cause}`);
  const dclA = onGrid(dcl.value, 0, Math.min(maxD, bounded.dcl_cap_a ?? Infinity));

  // ---- Reasons (every active protection, not just the tightest).
  if (ov.latched || ov.factor < 1 || ceiling !== undefined) reasons.push('cell_overvoltage');
  if (uv.latched || uv.factor < 1) reasons.push('cell_undervoltage');
  if (!temps) reasons.push('no_cell_temperature');
  if (chargeTemp.too_cold && temps) reasons.push('charge_temperature_low');
  if (chargeTemp.too_hot && temps) reasons.push('charge_temperature_high');
  if (temps && !chargeTemp.too_cold && !chargeTemp.too_hot && chargeTemp.factor < 1) reasons.push('charge_temperature_derating');
  if (dischargeTemp.latched) reasons.push('discharge_temperature_high');
  else if (dischargeTemp.factor < 1) reasons.push('discharge_temperature_derating');
  if (cold.latched) reasons.push('discharge_temperature_low');
  else if (cold.factor < 1) reasons.push('discharge_temperature_cold_derating');
  if (socCharge < 1) reasons.push('soc_charge_taper');
  if (socDischarge < 1) reasons.push('soc_discharge_taper');
  if (imbalance) reasons.push('imbalance_hold');
  if (cellCountMismatch) reasons.push('cell_count_mismatch');
  if (causes.length) reasons.push('bms_fault', ...causes.map((cause) => `bms_fault_${cause}`));
  for (const bound of bounded.active) reasons.push(bound);
  if (paced.paced) reasons.push('cvl_paced');
  if (ramped) reasons.push('ccl_ramp');

  // ---- Flags, from the same protections.
  const has = (cause: FaultCause) => causes.includes(cause);
  const prevFlag = (flag: AlarmFlagName) => previous.flags[flag]?.level;
  const h = FLAG_HYSTERESIS;
  const currentAlarm = (cut: number | undefined) => Math.min(settings.current_alarm_a ?? Infinity, cut ?? Infinity);
  // Current flags: alarm at the alert level or the BMS's over-current cut-off (whichever is lower), warning from 80 % of it.
  const currentFlag = (flag: AlarmFlagName, flowing: number, cut: number | undefined, forced: boolean) => {
    const alarmAt = currentAlarm(cut);
    if (!Number.isFinite(alarmAt)) return forced ? 'alarm' : 'ok';
    return banded(flowing, alarmAt * 0.8, alarmAt, Math.max(1, alarmAt * h.current_share), prevFlag(flag), forced);
  };
  const tMax = temps?.max ?? NaN;
  const tMin = temps?.min ?? NaN;
  const raw: FlagLevels = {
    high_voltage: banded(maxCell, c.cell_protect_start_mv + 1, undefined, h.voltage_mv, prevFlag('high_voltage'), ov.latched || has('over_voltage')),
    low_voltage: banded(-minCell, -(c.discharge_protect_start_mv - 1), undefined, h.voltage_mv, prevFlag('low_voltage'), uv.latched || has('under_voltage')),
    high_temperature: banded(tMax, c.high_temp_discharge_c - CHARGE_CONSTANTS.temperature_derate_band_c, undefined, h.temperature_c, prevFlag('high_temperature'), dischargeTemp.latched || has('over_temperature')),
    low_temperature: banded(-tMin, -cold.full_from_c + 1e-9, undefined, h.temperature_c, prevFlag('low_temperature'), cold.latched),
    high_temp_charge: banded(tMax, c.high_temp_charge_c - CHARGE_CONSTANTS.temperature_derate_band_c, undefined, h.temperature_c, prevFlag('high_temp_charge'), (chargeTemp.too_hot && !!temps) || has('over_temperature')),
    low_temp_charge: banded(-tMin, -(c.low_temp_charge_c + CHARGE_CONSTANTS.temperature_derate_band_c) + 1e-9, undefined, h.temperature_c, prevFlag('low_temp_charge'), (chargeTemp.too_cold && !!temps) || has('low_temperature')),
    high_current: currentFlag('high_current', -data.pack_current_a, bms.cutoffs?.discharge_overcurrent_a, has('discharge_over_current')),
    high_charge_current: currentFlag('high_charge_current', data.pack_current_a, bms.cutoffs?.charge_overcurrent_a, has('charge_over_current') || has('regeneration_over_current')),
    bms_internal: !temps || causes.length > 0 ? 'alarm' : 'ok',
    cell_imbalance: banded(spread, imbalance ? -Infinity : (settings.imbalance_alarm_mv ?? Infinity) / 2, settings.imbalance_alarm_mv, h.imbalance_mv, prevFlag('cell_imbalance')),
  };
  const flags = holdFlags(raw, previous.flags, nowMs);

  const charge_allowed = cclA > 0;
  return {
    limits: {
      charge_voltage_limit_v: cvlV,
      charge_current_limit_a: cclA,
      discharge_current_limit_a: dclA,
      discharge_voltage_limit_v: onGrid((n * c.cell_min_mv) / 1000, (n * c.cell_min_mv) / 1000, Math.max(bounds.high, (n * c.cell_min_mv) / 1000)),
      charge_allowed,
      discharge_allowed: dclA > 0,
      reasons,
      limiting: { cvl: cvlWhy, ccl: cclWhy, dcl: dcl.why },
      bms_bounds: bounded.active,
    },
    state: {
      phase: phase.phase,
      absorption_since_ms: phase.absorption_since_ms,
      balanced_since_ms: phase.balanced_since_ms,
      full_charge: phase.full_charge,
      last_full_charge_ms: phase.last_full_charge_ms,
      latches: {
        cell_overvoltage: ov.latched,
        cell_undervoltage: uv.latched,
        charge_too_cold: chargeTemp.too_cold,
        charge_too_hot: chargeTemp.too_hot,
        discharge_too_hot: dischargeTemp.latched,
        discharge_too_cold: cold.latched,
        imbalance_hold: imbalance,
      },
      flags: flags.memory,
      applied_cvl_v: cvlV,
      cvl_changed_ms: cvlV === previous.applied_cvl_v ? previous.cvl_changed_ms : nowMs,
      applied_ccl_a: cclA,
      ccl_at_ms: nowMs,
    },
    usable: true,
    force_charge_request: uv.latched && charge_allowed,
    flags: flags.levels,
    fault_causes: causes,
  };
}

export type { BmsBoundName, BmsCutoffs, FaultCause };
