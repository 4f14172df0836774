/**
 * Charge control vNext (issue 12), pure, on a virtual clock: every BMS fault cause × (charging,
 * discharging), the BMS's own cut-offs as bounds, the low-temperature discharge curve, the
 * imbalance knee, the CCL slew limit, spread-based absorption exit and the periodic full charge,
 * and flag hysteresis — each with the limiting factor the dashboard shows.
 */
import type { BmsCutoffs } from '../../../modules/can_publisher/bms_bounds';
import { type BmsContext, type ChargeDecision, type ChargeSettings, computeChargeLimits } from '../../../modules/can_publisher/charge_control';
import { FLAG_HOLD_MS } from '../../../modules/can_publisher/charge_flags';
import { type ChargeState, initialChargeState } from '../../../modules/can_publisher/charge_state';
import { FAULT_POLICY, type FaultCause, openFaultCauses } from '../../../modules/can_publisher/fault_causes';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import type { ChargeConfig } from '../../../modules/config_manager/config_types';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { liveData } from '../can_victron/test_context';

const T0 = 1_000_000;
const DAY = 86_400_000;

function settings(patch: Partial<ChargeConfig> = {}): ChargeSettings {
  return { charge: { ...defaultConfig().charge, ccl_ramp_a_per_s: 1000, ...patch }, stale_after_ms: 5000, current_alarm_a: 150, imbalance_alarm_mv: 100 };
}

const cells = (special: number, others = 3300, at = 4) => {
  const list = new Array<number>(16).fill(others);
  list[at] = special;
  return list;
};

function once(overrides: Partial<LiveData>, s = settings(), bms: BmsContext = {}, state: ChargeState = initialChargeState()): ChargeDecision {
  return computeChargeLimits(liveData(T0, overrides), T0, s, state, bms);
}

/** Feeds snapshots at the given times (ms after T0), carrying the state. */
function timeline(steps: [number, Partial<LiveData>][], s = settings(), bms: BmsContext = {}, start = initialChargeState()): ChargeDecision[] {
  let state = start;
  return steps.map(([t, overrides]) => {
    const d = computeChargeLimits(liveData(T0 + t, overrides), T0 + t, s, state, bms);
    state = d.state;
    return d;
  });
}

const CUTOFFS: BmsCutoffs = { fully_charged_mv: 3600, overvoltage_mv: 3650, undervoltage_mv: 2800, discharge_overcurrent_a: 150, charge_overcurrent_a: 60, overheat_c: 60, low_temp_charge_c: 0 };

describe('BMS fault: each cause × (charging, discharging)', () => {
  const expected: Record<FaultCause, { ccl: number; dcl: number; flag: string }> = {
    under_voltage: { ccl: 10, dcl: 0, flag: 'low_voltage' },
    over_voltage: { ccl: 0, dcl: 150, flag: 'high_voltage' },
    over_temperature: { ccl: 0, dcl: 0, flag: 'high_temperature' },
    low_temperature: { ccl: 0, dcl: 150, flag: 'low_temp_charge' },
    charge_over_current: { ccl: 0, dcl: 150, flag: 'high_charge_current' },
    regeneration_over_current: { ccl: 0, dcl: 150, flag: 'high_charge_current' },
    discharge_over_current: { ccl: 100, dcl: 0, flag: 'high_current' },
    switch_error: { ccl: 0, dcl: 0, flag: 'bms_internal' },
    current_sensor: { ccl: 0, dcl: 0, flag: 'bms_internal' },
    unknown: { ccl: 0, dcl: 0, flag: 'bms_internal' },
  };
  const rows = (Object.keys(FAULT_POLICY) as FaultCause[]).flatMap((cause) => [
    [cause, 'charging', 20] as const,
    [cause, 'discharging', -20] as const,
  ]);

  it.each(rows)('%s while %s', (cause, _direction, current) => {
    const d = once({ online_status: 'fault', pack_current_a: current }, settings(), { logged_fault_causes: cause === 'unknown' ? [] : [cause] });
    expect(d.fault_causes).toEqual([cause]);
    expect(d.limits.charge_current_limit_a).toBe(expected[cause].ccl);
    expect(d.limits.discharge_current_limit_a).toBe(expected[cause].dcl);
    expect(d.limits.reasons).toContain(`bms_fault_${cause}`);
    if (expected[cause].ccl !== 100) expect(d.limits.limiting?.ccl).toBe(`bms_fault_${cause}`);
    if (expected[cause].dcl === 0) expect(d.limits.limiting?.dcl).toBe(`bms_fault_${cause}`);
    expect(d.flags[expected[cause].flag as keyof typeof d.flags]).toBe('alarm');
    expect(d.flags.bms_internal).toBe('alarm');
  });

  it('an under-voltage fault never gives CCL 0 + DCL 0: the GX can recharge the pack out of it', () => {
    const d = once({ online_status: 'fault', cell_voltage_mv: cells(2750, 2900) }, settings(), { cutoffs: CUTOFFS });
    expect(d.fault_causes).toEqual(['under_voltage']);
    expect(d.limits).toMatchObject({ charge_current_limit_a: 10, discharge_current_limit_a: 0, charge_allowed: true });
  });

  it('tells the cause from the live values against the cut-offs when the log says nothing', () => {
    expect(once({ online_status: 'fault', cell_voltage_mv: cells(3660, 3400) }, settings(), { cutoffs: CUTOFFS }).fault_causes).toEqual(['over_voltage']);
    expect(once({ online_status: 'fault', temperatures_c: [30, 61] }, settings(), { cutoffs: CUTOFFS }).fault_causes).toEqual(['over_temperature']);
    expect(once({ online_status: 'fault', pack_current_a: 61 }, settings(), { cutoffs: CUTOFFS }).fault_causes).toEqual(['charge_over_current']);
    expect(once({ online_status: 'fault', pack_current_a: -151 }, settings(), { cutoffs: CUTOFFS }).fault_causes).toEqual(['discharge_over_current']);
    // Nothing explains it: the safe side, said in the reason.
    expect(once({ online_status: 'fault' }, settings(), { cutoffs: CUTOFFS }).limits.reasons).toContain('bms_fault_unknown');
  });

  it('ignores logged causes once the BMS is out of fault', () => {
    const d = once({ online_status: 'idle' }, settings(), { logged_fault_causes: ['over_temperature'] });
    expect(d.fault_causes).toEqual([]);
    expect(d.limits.charge_current_limit_a).toBe(100);
  });
});

describe('event log (command 0x11/0x12) → open fault causes', () => {
  it('opens a cause at its fault event and closes it at its recovery event or a restart, in BMS time order', () => {
    expect(openFaultCauses([{ timestampS: 10, id: 0x02 }])).toEqual(['under_voltage']);
    expect(openFaultCauses([{ timestampS: 20, id: 0x7b }, { timestampS: 10, id: 0x02 }])).toEqual([]);
    expect(openFaultCauses([{ timestampS: 10, id: 0x04 }, { timestampS: 11, id: 0x0b }, { timestampS: 12, id: 0x73 }])).toEqual(['switch_error']);
    expect(openFaultCauses([{ timestampS: 10, id: 0x03 }, { timestampS: 11, id: 0x61 }])).toEqual([]);
    expect(openFaultCauses([{ timestampS: 10, id: 0x0e }, { timestampS: 11, id: 0x62 }])).toEqual(['current_sensor']);
  });
});

describe('bounded by the BMS cut-offs (registers 315–320, less the margins)', () => {
  it('keeps CCL/DCL 10 % under the over-current cut-offs and names the bound', () => {
    const d = once({}, settings(), { cutoffs: CUTOFFS });
    expect(d.limits.charge_current_limit_a).toBe(54);
    expect(d.limits.limiting?.ccl).toBe('bms_charge_overcurrent_cutoff');
    expect(d.limits.discharge_current_limit_a).toBe(135);
    expect(d.limits.limiting?.dcl).toBe('bms_discharge_overcurrent_cutoff');
    expect(d.limits.bms_bounds).toEqual(expect.arrayContaining(['bms_charge_overcurrent_cutoff', 'bms_discharge_overcurrent_cutoff']));
  });

  it('keeps CVL ≤ cells × (over-voltage cut-off − margin), moving the cell protection with it', () => {
    const d = once({}, settings({ bulk_cell_mv: 3450 }), { cutoffs: { overvoltage_mv: 3400 } });
    // Cut-off 3400 − 50 mV = 3350 mV per cell: the taper squeezed to 3300 → 3350 mV, bulk down to 3300 mV.
    expect(d.limits.charge_voltage_limit_v).toBe(52.8);
    expect(d.limits.charge_voltage_limit_v).toBeLessThanOrEqual(53.6);
    expect(d.limits.limiting?.cvl).toBe('bms_overvoltage_cutoff');
    expect(d.limits.bms_bounds).toContain('bms_overvoltage_cutoff');
    // The CCL taper now ends at 3350 mV instead of 3650 mV.
    expect(once({ cell_voltage_mv: cells(3350, 3300) }, settings(), { cutoffs: { overvoltage_mv: 3400 } }).limits.charge_current_limit_a).toBe(0);
  });

  it('raises the discharge floor above the under-voltage cut-off and the charge temperature window inside 319/320', () => {
    const d = once({ cell_voltage_mv: cells(2950, 3000) }, settings(), { cutoffs: { undervoltage_mv: 2900 } });
    expect(d.limits.discharge_current_limit_a).toBe(0); // floor 2950 mV
    expect(d.limits.discharge_voltage_limit_v).toBe(47.2);
    expect(once({ temperatures_c: [20, 45] }, settings(), { cutoffs: { overheat_c: 45 } }).limits.charge_current_limit_a).toBe(0);
    expect(once({ temperatures_c: [2, 20] }, settings(), { cutoffs: { low_temp_charge_c: 1 } }).limits.charge_current_limit_a).toBe(0);
  });

  it('leaves everything to the configuration when the cut-offs are looser', () => {
    const d = once({}, settings(), { cutoffs: { ...CUTOFFS, charge_overcurrent_a: 750, discharge_overcurrent_a: 750, overvoltage_mv: 4200, low_temp_charge_c: -10 } });
    expect(d.limits).toMatchObject({ charge_current_limit_a: 100, discharge_current_limit_a: 150, charge_voltage_limit_v: 55.2, bms_bounds: [] });
    expect(d.limits.limiting).toEqual({ cvl: 'bulk', ccl: 'config_max', dcl: 'config_max' });
  });
});

describe('cell temperatures', () => {
  it('stops charging with no cell sensor (the board sensor does not count), keeps discharging, raises bms_internal', () => {
    const d = once({ temperatures_c: [], cell_temperatures_c: [null, null], temp_sensor_count: 0, min_temperature_c: NaN, max_temperature_c: NaN, internal_temperature_c: 25 });
    expect(d.usable).toBe(true);
    expect(d.limits).toMatchObject({ charge_current_limit_a: 0, discharge_current_limit_a: 150, limiting: { ccl: 'no_cell_temperature' } });
    expect(d.flags.bms_internal).toBe('alarm');
  });

  it('derates discharge in the cold along the configured curve (−10 °C: 0 … +5 °C: full), with hysteresis on the stop', () => {
    const dcl = (t: number) => once({ temperatures_c: [t, t + 1] }).limits.discharge_current_limit_a;
    expect([-25, -10, -5, 0, 2.5, 5, 20].map(dcl)).toEqual([0, 0, 37.5, 75, 112.5, 150, 150]);
    const seq = timeline([
      [0, { temperatures_c: [-11, -10] }],
      [1000, { temperatures_c: [-9, -8] }],
      [2000, { temperatures_c: [-8, -7] }],
    ]);
    expect(seq.map((d) => d.limits.discharge_current_limit_a)).toEqual([0, 0, 15]);
    expect(seq[0].flags.low_temperature).toBe('alarm');
    expect(seq[0].limits.limiting?.dcl).toBe('discharge_temperature_low');
    expect(once({ temperatures_c: [-10, -9] }, settings({ discharge_temperature_curve: '-30:0,-20:1' })).limits.discharge_current_limit_a).toBe(150);
  });
});

describe('imbalance hold only near the top (charge.imbalance_knee_mv)', () => {
  it('ignores a 150 mV bottom-knee spread at 5 % SOC and holds the same spread at the top', () => {
    const bottom = once({ state_of_charge_pct: 5, cell_voltage_mv: cells(2950, 3100) });
    expect(bottom.limits.reasons).not.toContain('imbalance_hold');
    expect(bottom.limits.charge_current_limit_a).toBe(100);
    const top = once({ state_of_charge_pct: 80, cell_voltage_mv: cells(3550, 3400) });
    expect(top.limits.reasons).toContain('imbalance_hold');
  });
});

describe('CCL slew limit (charge.ccl_ramp_a_per_s)', () => {
  const slow = settings({ ccl_ramp_a_per_s: 5 });

  it('rises 5 A/s after a latch releases; falls at once', () => {
    const seq = timeline(
      [
        [0, { cell_voltage_mv: cells(3650, 3450) }],
        [1000, { cell_voltage_mv: cells(3500, 3450) }],
        [2000, { cell_voltage_mv: cells(3400, 3350) }],
        [4000, {}],
        [10_000, {}],
        [30_000, {}],
        [31_000, { temperatures_c: [-1, 3] }],
      ],
      slow,
    );
    expect(seq.map((d) => d.limits.charge_current_limit_a)).toEqual([0, 5, 10, 20, 50, 100, 0]);
    expect(seq[2].limits.limiting?.ccl).toBe('ccl_ramp');
    expect(seq[5].limits.limiting?.ccl).toBe('config_max');
  });

  it('starts from 0 after start-up and after stale data', () => {
    const seq = timeline([[0, {}], [1000, {}]], slow);
    expect(seq.map((d) => d.limits.charge_current_limit_a)).toEqual([5, 10]);
    const stale = computeChargeLimits(liveData(T0, {}), T0 + 6000, slow, seq[1].state);
    expect(stale.usable).toBe(false);
    const back = computeChargeLimits(liveData(T0 + 7000, {}), T0 + 7000, slow, stale.state);
    expect(back.limits.charge_current_limit_a).toBe(5);
  });
});

describe('bulk → absorption → float on the cell spread, and the periodic full charge', () => {
  const atTop = (spreadMv: number): Partial<LiveData> => ({ pack_voltage_v: 55.2, state_of_charge_pct: 90, cell_voltage_mv: cells(3450 + spreadMv / 2, 3450 - spreadMv / 2) });

  it('leaves absorption once the spread stays ≤ 10 mV for 900 s; a spread past 13 mV restarts the timer', () => {
    const s = settings();
    const seq = timeline(
      [
        [0, atTop(20)],
        [1000, atTop(8)],
        [400_000, atTop(12)], // inside the 3 mV band: the timer keeps running
        [500_000, atTop(14)], // past it: restart
        [501_000, atTop(8)],
        [1_300_000, atTop(8)],
        [1_401_000, atTop(8)],
      ],
      s,
    );
    expect(seq.map((d) => d.state.phase)).toEqual(['absorption', 'absorption', 'absorption', 'absorption', 'absorption', 'absorption', 'float']);
    expect(seq[6].limits.reasons).toContain('absorption_end_balanced');
  });

  it('does a full charge to register 300 every 14 days: float → bulk, no early float on SOC, float again when the BMS says full', () => {
    const s = settings({ float_enter_soc_pct: 98 });
    const bms: BmsContext = { cutoffs: { fully_charged_mv: 3480 } };
    const seq = timeline(
      [
        [0, { state_of_charge_pct: 99 }], // float at once (SOC), the 14 days count from here
        [DAY, { state_of_charge_pct: 99 }],
        [14 * DAY, { state_of_charge_pct: 99 }], // due: back to bulk for a full charge
        [14 * DAY + 1000, { state_of_charge_pct: 99 }], // SOC 99 % no longer ends it
        // CVL climbs in paced 0.4 V steps (cvl_min_interval_s = 20) to 16 × 3480 mV = 55.68 V.
        [14 * DAY + 21_000, { state_of_charge_pct: 99 }],
        [14 * DAY + 41_000, { state_of_charge_pct: 99 }],
        [14 * DAY + 61_000, { state_of_charge_pct: 99 }],
        [14 * DAY + 81_000, { state_of_charge_pct: 99 }],
        [14 * DAY + 101_000, { state_of_charge_pct: 99 }],
        [14 * DAY + 102_000, { state_of_charge_pct: 100, online_status: 'fully_charged' }],
        [15 * DAY, { state_of_charge_pct: 99 }],
      ],
      s,
      bms,
    );
    expect(seq.map((d) => d.state.phase)).toEqual(['float', 'float', 'bulk', 'bulk', 'bulk', 'bulk', 'bulk', 'bulk', 'bulk', 'float', 'float']);
    expect(seq[3].limits.reasons).toContain('full_charge');
    expect(seq[3].state.full_charge).toBe(true);
    // Target: register 300 × cells rather than the 55.2 V bulk voltage.
    expect(seq.slice(2, 9).map((d) => d.limits.charge_voltage_limit_v)).toEqual([54.4, 54.4, 54.8, 55.2, 55.6, 55.7, 55.7]);
    expect(seq[8].limits.limiting?.cvl).toBe('full_charge');
    expect(seq[9].state.last_full_charge_ms).toBe(T0 + 14 * DAY + 102_000);
  });

  it('never does a full charge with full_charge_interval_days = 0', () => {
    const seq = timeline([[0, { state_of_charge_pct: 99 }], [400 * DAY, { state_of_charge_pct: 99 }]], settings({ full_charge_interval_days: 0 }));
    expect(seq.map((d) => d.state.phase)).toEqual(['float', 'float']);
  });
});

describe('0x35A flags line up with the limits and have hysteresis', () => {
  it('high_voltage: warning while CCL tapers, alarm exactly when CCL reaches 0, kept until the latch and the hold release', () => {
    const seq = timeline([
      [0, { cell_voltage_mv: cells(3500, 3450) }],
      [1000, { cell_voltage_mv: cells(3501, 3450) }],
      [2000, { cell_voltage_mv: cells(3649, 3450) }],
      [3000, { cell_voltage_mv: cells(3650, 3450) }],
      [4000, { cell_voltage_mv: cells(3600, 3450) }], // latch holds CCL at 0: still alarm
      [5000, { cell_voltage_mv: cells(3490, 3450) }], // latch released; within the warning band
      [6000, { cell_voltage_mv: cells(3470, 3450) }], // out of the band: ok, but the hold keeps the warning
      [5000 + FLAG_HOLD_MS + 1000, { cell_voltage_mv: cells(3470, 3450) }],
    ]);
    expect(seq.map((d) => d.limits.charge_current_limit_a === 0)).toEqual([false, false, false, true, true, false, false, false]);
    expect(seq.map((d) => d.flags.high_voltage)).toEqual(['ok', 'warning', 'warning', 'alarm', 'alarm', 'alarm', 'alarm', 'ok']);
  });

  it('low_temp_charge: alarm when the cold takes CCL to 0, warning on the derating ramp', () => {
    expect(once({ temperatures_c: [0, 5] }).flags.low_temp_charge).toBe('alarm');
    expect(once({ temperatures_c: [5, 8] }).flags.low_temp_charge).toBe('warning');
    expect(once({ temperatures_c: [15, 20] }).flags.low_temp_charge).toBe('ok');
  });
});
