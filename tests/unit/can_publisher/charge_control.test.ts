/**
 * Charge control, pure: every protection at, just before and just past its threshold, the
 * hysteresis of every latch, the phases, CVL pacing, and the stale-data rule. Defaults: 16S LiFePO4,
 * bulk 3450 mV (55.2 V), float 3375 mV (54.0 V), cell protection 3500→3650 mV, under-voltage
 * 3100→2900 mV, charge 0…50 °C, discharge < 55 °C, imbalance 100/50 mV, CCL 100 A, DCL 150 A.
 */
import { computeChargeLimits, type ChargeDecision, type ChargeSettings } from '../../../modules/can_publisher/charge_control';
import { initialChargeState, type ChargeState } from '../../../modules/can_publisher/charge_state';
import { chargeSettingsFrom } from '../../../modules/can_publisher/publisher';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import type { ChargeConfig } from '../../../modules/config_manager/config_types';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { liveData } from '../can_victron/test_context';

const NOW = 100_000;

function settings(patch: Partial<ChargeConfig> = {}, extra: Partial<ChargeSettings> = {}): ChargeSettings {
  // The CCL slew limit has its own tests (charge_control_v2); here every step may reach its target.
  return { charge: { ...defaultConfig().charge, ccl_ramp_a_per_s: 1000, ...patch }, stale_after_ms: 5000, ...extra };
}

/** 16 cells: `others` mV, and cell 5 at `special` mV. */
function cells(special: number, others = 3300): number[] {
  const list = new Array<number>(16).fill(others);
  list[4] = special;
  return list;
}

const data = (overrides: Partial<LiveData> = {}, timestamp = NOW) => liveData(timestamp, overrides);

function once(d: LiveData | undefined, s = settings(), state: ChargeState = initialChargeState(), now = NOW): ChargeDecision {
  return computeChargeLimits(d, now, s, state);
}

/** Runs snapshots in order, `stepMs` apart, carrying the state; returns every decision. */
function sequence(snapshots: Partial<LiveData>[], stepMs = 1000, s = settings()): ChargeDecision[] {
  let state = initialChargeState();
  return snapshots.map((overrides, i) => {
    const now = NOW + i * stepMs;
    const decision = computeChargeLimits(data(overrides, now), now, s, state);
    state = decision.state;
    return decision;
  });
}

type Expect = Partial<{ cvl: number; ccl: number; dcl: number; charge: boolean; discharge: boolean; reason: string; noReason: string }>;

function check(decision: ChargeDecision, e: Expect): void {
  const l = decision.limits;
  if (e.cvl !== undefined) expect(l.charge_voltage_limit_v).toBeCloseTo(e.cvl, 6);
  if (e.ccl !== undefined) expect(l.charge_current_limit_a).toBeCloseTo(e.ccl, 6);
  if (e.dcl !== undefined) expect(l.discharge_current_limit_a).toBeCloseTo(e.dcl, 6);
  if (e.charge !== undefined) expect(l.charge_allowed).toBe(e.charge);
  if (e.discharge !== undefined) expect(l.discharge_allowed).toBe(e.discharge);
  if (e.reason) expect(l.reasons).toContain(e.reason);
  if (e.noReason) expect(l.reasons).not.toContain(e.noReason);
}

describe('BMS fault status', () => {
  it('takes the safe side for a fault nothing explains, says so, and gives everything back after', () => {
    // The cause-by-cause table is in charge_scenarios.test.ts.
    check(once(data({ online_status: 'fault', online_status_code: 0x9b })), { ccl: 0, charge: false, dcl: 0, discharge: false, reason: 'bms_fault_unknown' });
    check(once(data({ online_status: 'idle', online_status_code: 0x97 })), { ccl: 100, charge: true, noReason: 'bms_fault' });
  });
});

describe('scenarios from a fresh state', () => {
  const rows: [string, Partial<LiveData>, Expect][] = [
    ['nominal bulk', {}, { cvl: 55.2, ccl: 100, dcl: 150, charge: true, discharge: true }],
    // Cell over-voltage: CCL taper 3500 → 3650 mV, CVL ceiling = Σ min(cell, 3500 mV).
    ['highest cell at the protection start', { cell_voltage_mv: cells(3500, 3480) }, { ccl: 100, cvl: 55.2, noReason: 'cell_overvoltage' }],
    ['highest cell 1 mV past the start', { cell_voltage_mv: cells(3501, 3480) }, { ccl: 99.3, cvl: 55.2, reason: 'cell_overvoltage' }],
    ['highest cell half way', { cell_voltage_mv: cells(3575, 3480) }, { ccl: 50, cvl: 55.2 }],
    ['runner cell pulls CVL down at once', { cell_voltage_mv: cells(3530, 3440) }, { ccl: 80, cvl: 55.1, reason: 'cell_overvoltage' }],
    ['highest cell 1 mV below its maximum', { cell_voltage_mv: cells(3649, 3560) }, { ccl: 0.7, charge: true }],
    ['highest cell at its maximum', { cell_voltage_mv: cells(3650, 3560) }, { ccl: 0, charge: false, discharge: true, reason: 'cell_overvoltage' }],
    // Cell under-voltage: DCL taper 3100 → 2900 mV.
    ['lowest cell at the protection start', { cell_voltage_mv: cells(3100, 3150) }, { dcl: 150, noReason: 'cell_undervoltage' }],
    ['lowest cell half way', { cell_voltage_mv: cells(3000, 3050) }, { dcl: 75, reason: 'cell_undervoltage' }],
    ['lowest cell 1 mV above its minimum', { cell_voltage_mv: cells(2901, 2950) }, { dcl: 0.8, discharge: true }],
    ['lowest cell at its minimum', { cell_voltage_mv: cells(2900, 2950) }, { dcl: 0, discharge: false, charge: true }],
    // Temperature: charge 0…50 °C with 10 °C ramps, discharge below 55 °C.
    // 0 °C is also half way up the default discharge curve (−10 °C: 0 … +5 °C: full).
    ['charge at the low limit', { temperatures_c: [0, 5] }, { ccl: 0, charge: false, dcl: 75, reason: 'charge_temperature_low' }],
    ['charge below the low limit', { temperatures_c: [-5, 3] }, { ccl: 0, charge: false }],
    ['charge just above the low limit', { temperatures_c: [2, 5] }, { ccl: 20, reason: 'charge_temperature_derating' }],
    ['charge at the end of the low ramp', { temperatures_c: [10, 12] }, { ccl: 100 }],
    ['charge in the high ramp', { temperatures_c: [30, 45] }, { ccl: 50, dcl: 150 }],
    ['charge at the high limit', { temperatures_c: [30, 50] }, { ccl: 0, charge: false, dcl: 75, reason: 'charge_temperature_high' }],
    ['discharge at the high limit', { temperatures_c: [30, 55] }, { dcl: 0, discharge: false, ccl: 0, reason: 'discharge_temperature_high' }],
    // SOC taper (never to 0 from SOC alone).
    ['SOC 90 %', { state_of_charge_pct: 90 }, { ccl: 100, noReason: 'soc_charge_taper' }],
    ['SOC 92.5 %', { state_of_charge_pct: 92.5 }, { ccl: 75, reason: 'soc_charge_taper' }],
    ['SOC 95 %', { state_of_charge_pct: 95 }, { ccl: 50, cvl: 55.2 }],
    ['SOC 98 %: float lowers CVL, charging still allowed', { state_of_charge_pct: 98 }, { ccl: 32, cvl: 54, charge: true, reason: 'float' }],
    ['SOC 100 %', { state_of_charge_pct: 100 }, { ccl: 20, cvl: 54, charge: true }],
    ['SOC 15 %', { state_of_charge_pct: 15 }, { dcl: 150 }],
    ['SOC 12.5 %', { state_of_charge_pct: 12.5 }, { dcl: 112.5, reason: 'soc_discharge_taper' }],
    ['SOC 5 %', { state_of_charge_pct: 5 }, { dcl: 30, discharge: true }],
    ['SOC 0 %', { state_of_charge_pct: 0 }, { dcl: 30, discharge: true }],
    // Imbalance hold: > 100 mV → float CVL and 10 % CCL.
    ['spread of 100 mV', { cell_voltage_mv: cells(3400) }, { cvl: 55.2, ccl: 100, noReason: 'imbalance_hold' }],
    ['spread of 101 mV', { cell_voltage_mv: cells(3401) }, { cvl: 54, ccl: 10, reason: 'imbalance_hold' }],
    // Configuration mismatch.
    ['BMS reports 15 cells for a 16-cell configuration', { cell_voltage_mv: new Array(15).fill(3300) }, { ccl: 0, charge: false, dcl: 150, reason: 'cell_count_mismatch' }],
  ];

  it.each(rows)('%s', (_name, overrides, expected) => check(once(data(overrides)), expected));

  it('ends the SOC tapers at the configured bms.soc_full_pct and bms.soc_empty_pct', () => {
    const shifted = settings({}, { soc_full_pct: 90, soc_empty_pct: 20 });
    const at = (soc: number) => once(data({ state_of_charge_pct: soc }), shifted).limits;
    expect([80, 85, 90, 95].map((soc) => at(soc).charge_current_limit_a)).toEqual([100, 50, 20, 20]);
    expect([30, 25, 20, 10].map((soc) => at(soc).discharge_current_limit_a)).toEqual([150, 75, 30, 30]);
    // Never zero from SOC alone.
    expect(at(95).charge_allowed && at(10).discharge_allowed).toBe(true);
  });

  it('takes the taper ends from the gateway configuration', () => {
    const config = defaultConfig();
    const fromConfig = chargeSettingsFrom({ ...config, charge: { ...config.charge, ccl_ramp_a_per_s: 1000 }, bms: { ...config.bms, soc_full_pct: 92, soc_empty_pct: 12 } });
    expect(fromConfig).toMatchObject({ soc_full_pct: 92, soc_empty_pct: 12 });
    expect(once(data({ state_of_charge_pct: 92 }), fromConfig).limits.charge_current_limit_a).toBe(20);
  });

  it('marks a latched under-voltage with a force-charge request while charging is allowed', () => {
    expect(once(data({ cell_voltage_mv: cells(2900, 2950) })).force_charge_request).toBe(true);
    expect(once(data({ cell_voltage_mv: cells(2900, 2950), temperatures_c: [-1, 2] })).force_charge_request).toBe(false);
    expect(once(data()).force_charge_request).toBe(false);
  });

  it('reports the discharge voltage limit as cells × minimum cell voltage', () => {
    expect(once(data()).limits.discharge_voltage_limit_v).toBeCloseTo(46.4, 6);
  });
});

describe('unusable data gives no permission and nothing to send', () => {
  const rows: [string, LiveData | undefined, string][] = [
    ['no data yet', undefined, 'no_data'],
    ['a failed poll', data({ data_valid: false }), 'invalid_data'],
    ['data 1 ms past stale_after_ms', data({}, NOW - 5001), 'stale_data'],
    ['a timestamp from the future', data({}, NOW + 1), 'future_timestamp'],
    ['a NaN pack voltage', data({ pack_voltage_v: NaN }), 'implausible_pack_voltage'],
    ['a zero pack voltage', data({ pack_voltage_v: 0 }), 'implausible_pack_voltage'],
    ['an infinite current', data({ pack_current_a: Infinity }), 'implausible_current'],
    ['SOC 140 %', data({ state_of_charge_pct: 140 }), 'implausible_soc'],
    ['min cell above max cell', data({ min_cell_voltage_mv: 3400, max_cell_voltage_mv: 3300 }), 'implausible_cell_voltage'],
    ['a cell of 0 mV', data({ min_cell_voltage_mv: 0 }), 'implausible_cell_voltage'],
  ];

  it('keeps 0x351 going without a usable cell temperature, with charging stopped and discharge kept', () => {
    for (const snapshot of [data({ max_temperature_c: NaN }), data({ temperatures_c: [], temp_sensor_count: 0, min_temperature_c: NaN, max_temperature_c: NaN }), data({ max_temperature_c: 400 })]) {
      const decision = once(snapshot);
      expect(decision.usable).toBe(true);
      check(decision, { ccl: 0, charge: false, dcl: 150, discharge: true, reason: 'no_cell_temperature' });
      expect(decision.limits.limiting?.ccl).toBe('no_cell_temperature');
      expect(decision.flags.bms_internal).toBe('alarm');
    }
  });

  it.each(rows)('%s', (_name, snapshot, reason) => {
    const decision = once(snapshot);
    expect(decision.usable).toBe(false);
    expect(decision.limits).toMatchObject({ charge_current_limit_a: 0, discharge_current_limit_a: 0, charge_allowed: false, discharge_allowed: false, reasons: [reason] });
  });

  it('accepts data exactly stale_after_ms old', () => {
    expect(once(data({}, NOW - 5000)).usable).toBe(true);
  });

  it('keeps latches through a stale spell and restarts the CVL when data returns', () => {
    const s = settings();
    const latched = once(data({ cell_voltage_mv: cells(3650, 3560) }), s);
    const stale = computeChargeLimits(data({}, NOW), NOW + 10_000, s, latched.state);
    expect(stale.state.latches.cell_overvoltage).toBe(true);
    expect(stale.state.applied_cvl_v).toBeUndefined();
    const back = computeChargeLimits(data({ cell_voltage_mv: cells(3550, 3500) }, NOW + 11_000), NOW + 11_000, s, stale.state);
    check(back, { ccl: 0, charge: false, cvl: 55.2 });
  });
});

describe('hysteresis', () => {
  it('cell over-voltage: off at 3650 mV, back on only at 3500 mV', () => {
    const d = sequence([{ cell_voltage_mv: cells(3650, 3560) }, { cell_voltage_mv: cells(3600, 3560) }, { cell_voltage_mv: cells(3501, 3480) }, { cell_voltage_mv: cells(3500, 3480) }]);
    expect(d.map((x) => x.limits.charge_current_limit_a)).toEqual([0, 0, 0, 100]);
  });

  it('cell under-voltage: off at 2900 mV, back on only at 3100 mV', () => {
    const d = sequence([{ cell_voltage_mv: cells(2900, 2950) }, { cell_voltage_mv: cells(3050, 3100) }, { cell_voltage_mv: cells(3099, 3150) }, { cell_voltage_mv: cells(3100, 3150) }]);
    expect(d.map((x) => x.limits.discharge_current_limit_a)).toEqual([0, 0, 0, 150]);
  });

  it('too cold to charge: off at 0 °C, back at 2 °C (on the ramp)', () => {
    const d = sequence([{ temperatures_c: [0, 5] }, { temperatures_c: [1, 5] }, { temperatures_c: [1.9, 5] }, { temperatures_c: [2, 5] }]);
    expect(d.map((x) => x.limits.charge_current_limit_a)).toEqual([0, 0, 0, 20]);
  });

  it('too hot to charge: off at 50 °C, back at 48 °C', () => {
    const d = sequence([{ temperatures_c: [30, 50] }, { temperatures_c: [30, 49] }, { temperatures_c: [30, 48] }]);
    expect(d.map((x) => x.limits.charge_current_limit_a)).toEqual([0, 0, 20]);
  });

  it('too hot to discharge: off at 55 °C, back at 53 °C', () => {
    const d = sequence([{ temperatures_c: [30, 55] }, { temperatures_c: [30, 53.5] }, { temperatures_c: [30, 53] }]);
    expect(d.map((x) => x.limits.discharge_current_limit_a)).toEqual([0, 0, 30]);
  });

  it('imbalance hold: on above 100 mV, off only at 50 mV', () => {
    const d = sequence([{ cell_voltage_mv: cells(3401) }, { cell_voltage_mv: cells(3360) }, { cell_voltage_mv: cells(3351) }, { cell_voltage_mv: cells(3350) }]);
    expect(d.map((x) => x.state.latches.imbalance_hold)).toEqual([true, true, true, false]);
    expect(d.map((x) => x.limits.charge_current_limit_a)).toEqual([10, 10, 10, 100]);
  });
});

describe('phases', () => {
  it('enters absorption within 10 mV/cell of the bulk voltage and leaves it 50 mV/cell below', () => {
    const d = sequence([{ pack_voltage_v: 55.03 }, { pack_voltage_v: 55.04 }, { pack_voltage_v: 54.41 }, { pack_voltage_v: 54.39 }]);
    expect(d.map((x) => x.state.phase)).toEqual(['bulk', 'absorption', 'absorption', 'bulk']);
    expect(d.map((x) => x.limits.charge_voltage_limit_v)).toEqual([55.2, 55.2, 55.2, 55.2]);
  });

  it('floats after the absorption time, lowering CVL', () => {
    const s = settings({ absorption_time_s: 1800 });
    const start = once(data({ pack_voltage_v: 55.1 }), s);
    const before = computeChargeLimits(data({ pack_voltage_v: 55.1 }, NOW + 1_799_000), NOW + 1_799_000, s, start.state);
    const after = computeChargeLimits(data({ pack_voltage_v: 55.1 }, NOW + 1_800_000), NOW + 1_800_000, s, before.state);
    expect([start.state.phase, before.state.phase, after.state.phase]).toEqual(['absorption', 'absorption', 'float']);
    expect(after.limits.charge_voltage_limit_v).toBe(54);
    expect(after.limits.charge_allowed).toBe(true);
  });

  it('floats at 98 % SOC or when the BMS says fully charged, and returns to bulk below 95 %', () => {
    const d = sequence([{ state_of_charge_pct: 97.9 }, { state_of_charge_pct: 98 }, { state_of_charge_pct: 95 }, { state_of_charge_pct: 94.9 }]);
    expect(d.map((x) => x.state.phase)).toEqual(['bulk', 'float', 'float', 'bulk']);
    expect(once(data({ state_of_charge_pct: 60, online_status: 'fully_charged' })).state.phase).toBe('float');
  });
});

describe('CVL pacing (no faster than charge.cvl_min_interval_s)', () => {
  it('waits 20 s before lowering CVL for float, then applies it', () => {
    const d = sequence([{}, { state_of_charge_pct: 99 }, ...new Array(18).fill({ state_of_charge_pct: 99 }), { state_of_charge_pct: 99 }]);
    expect(d[1].limits.charge_voltage_limit_v).toBe(55.2);
    expect(d[1].limits.reasons).toContain('cvl_paced');
    expect(d[19].limits.charge_voltage_limit_v).toBe(55.2);
    expect(d[20].limits.charge_voltage_limit_v).toBe(54);
  });

  it('applies a protective reduction at once, even right after a change', () => {
    const d = sequence([{}, { cell_voltage_mv: cells(3530, 3440) }]);
    expect(d.map((x) => x.limits.charge_voltage_limit_v)).toEqual([55.2, 55.1]);
  });

  it('raises CVL after float in steps of 0.4 V every 20 s', () => {
    const snapshots = [{ state_of_charge_pct: 99 }, ...new Array(70).fill({ state_of_charge_pct: 60 })];
    const d = sequence(snapshots);
    const at = (s: number) => d[s].limits.charge_voltage_limit_v;
    expect([at(0), at(1), at(19), at(20), at(39), at(40), at(60)]).toEqual([54, 54, 54, 54.4, 54.4, 54.8, 55.2]);
  });

  it('never holds a CVL above a bound that the configuration lowered', () => {
    const first = once(data(), settings());
    const lowered = computeChargeLimits(data({}, NOW + 1000), NOW + 1000, settings({ cell_max_mv: 3440, cell_protect_start_mv: 3430, bulk_cell_mv: 3420 }), first.state);
    expect(lowered.limits.charge_voltage_limit_v).toBeLessThanOrEqual(55.04);
  });
});

describe('Pylontech floor', () => {
  it('keeps CVL at 54.1 V even when a protection wants less', () => {
    const decision = once(data({ cell_voltage_mv: cells(3451) }), settings({}, { min_cvl_v: 54.1 }));
    expect(decision.limits.reasons).toContain('imbalance_hold');
    expect(decision.limits.charge_voltage_limit_v).toBe(54.1);
  });
});
