/**
 * Properties of charge control for any configuration the schema accepts and any input, sane or
 * not, over sequences with arbitrary time steps: limits stay within their bounds, the hard
 * protections always bite, and stale or invalid data never carries charge permission.
 */
import fc from 'fast-check';
import type { BmsCutoffs } from '../../../modules/can_publisher/bms_bounds';
import { computeChargeLimits, type BmsContext, type ChargeDecision, type ChargeSettings } from '../../../modules/can_publisher/charge_control';
import type { FaultCause } from '../../../modules/can_publisher/fault_causes';
import { initialChargeState } from '../../../modules/can_publisher/charge_state';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import type { ChargeConfig } from '../../../modules/config_manager/config_types';
import { validate } from '../../../modules/config_manager/validate';
import type { LiveData, OnlineStatusName } from '../../../modules/uart_bms/live_data';
import { liveData } from '../can_victron/test_context';

/** Evenly spread values on a 0.01 grid (fc.double clusters around 0, which hides most of the range). */
const num = (min: number, max: number) => fc.integer({ min: Math.round(min * 100), max: Math.round(max * 100) }).map((v) => v / 100);

/** Charge configurations that satisfy the schema ranges and the cross-field rules. */
const chargeConfig: fc.Arbitrary<ChargeConfig> = fc
  .record({
    series_cells: fc.integer({ min: 4, max: 16 }),
    max_charge_current_a: num(0, 1000),
    max_discharge_current_a: num(0, 1000),
    cell_min_mv: fc.integer({ min: 1500, max: 3200 }),
    steps: fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 300 })),
    low_temp_charge_c: num(-30, 29),
    high_gap: num(0.5, 50),
    high_temp_discharge_c: num(20, 80),
    imbalance: fc.tuple(fc.integer({ min: 10, max: 1000 }), fc.integer({ min: 0, max: 999 })),
    float_soc: fc.tuple(num(50, 100), num(0.1, 50)),
    cvl_min_interval_s: fc.integer({ min: 0, max: 3600 }),
    absorption_time_s: fc.integer({ min: 0, max: 86400 }),
  })
  .map((r) => {
    const [toProtect, toFloat, toBulk, toStart, toMax] = r.steps;
    const discharge_protect_start_mv = r.cell_min_mv + toProtect;
    // Schema: bulk, float, protection and maximum are at least 2000 mV.
    const float_cell_mv = Math.max(2000, discharge_protect_start_mv + toFloat);
    const bulk_cell_mv = float_cell_mv + toBulk;
    const cell_protect_start_mv = bulk_cell_mv + toStart;
    return {
      ...defaultConfig().charge,
      series_cells: r.series_cells,
      max_charge_current_a: r.max_charge_current_a,
      max_discharge_current_a: r.max_discharge_current_a,
      cell_min_mv: r.cell_min_mv,
      discharge_protect_start_mv,
      float_cell_mv,
      bulk_cell_mv,
      cell_protect_start_mv,
      // The schema keeps cell_max − cell_min ≥ 100 mV (a CVL on the 0.1 V grid must fit in the window).
      cell_max_mv: Math.max(cell_protect_start_mv + toMax, r.cell_min_mv + 100),
      low_temp_charge_c: r.low_temp_charge_c,
      high_temp_charge_c: Math.min(80, Math.max(20, r.low_temp_charge_c + r.high_gap)),
      high_temp_discharge_c: r.high_temp_discharge_c,
      imbalance_hold_mv: r.imbalance[0],
      imbalance_release_mv: Math.min(r.imbalance[1], r.imbalance[0] - 1),
      float_enter_soc_pct: r.float_soc[0],
      float_exit_soc_pct: Math.max(0, r.float_soc[0] - r.float_soc[1]),
      cvl_min_interval_s: r.cvl_min_interval_s,
      absorption_time_s: r.absorption_time_s,
    };
  });

/** Anything a broken or lying BMS (or decoder) could deliver, including NaN and ±Infinity. */
const anyNumber = (min: number, max: number) =>
  fc.oneof({ arbitrary: num(min, max), weight: 19 }, { arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, 1e9), weight: 1 });

const snapshot = fc.record({
  cells: fc.array(num(1000, 4500), { minLength: 16, maxLength: 16 }),
  cell_count_matches: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
  pack_voltage_v: anyNumber(0, 80),
  pack_current_a: anyNumber(-500, 500),
  state_of_charge_pct: anyNumber(0, 100),
  min_cell_voltage_mv: anyNumber(1500, 4200),
  /** Mostly, place the cells and temperatures relative to the configuration's thresholds (else absolute). */
  cell_position: fc.oneof({ arbitrary: num(-0.1, 1.1), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 }),
  temperature_position: fc.oneof({ arbitrary: num(-0.1, 1.1), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 }),
  cell_spread_mv: fc.oneof({ arbitrary: num(-10, 120), weight: 3 }, { arbitrary: num(-10, 700), weight: 1 }),
  min_temperature_c: anyNumber(-35, 85),
  temperature_spread_c: num(-1, 15),
  data_valid: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
  online_status: fc.constantFrom<OnlineStatusName>('charging', 'fully_charged', 'discharging', 'idle', 'fault'),
  age_ms: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 5000 }), weight: 4 }, { arbitrary: fc.integer({ min: -100, max: 120_000 }), weight: 1 }),
  step_ms: fc.integer({ min: 0, max: 120_000 }),
});

type Snapshot = typeof snapshot extends fc.Arbitrary<infer T> ? T : never;

function toLiveData(s: Snapshot, now: number, c: ChargeConfig): LiveData {
  const seriesCells = c.series_cells;
  const count = s.cell_count_matches ? seriesCells : seriesCells === 16 ? 15 : seriesCells + 1;
  const minCell = s.cell_position === null ? s.min_cell_voltage_mv : Math.round(c.cell_min_mv + s.cell_position * (c.cell_max_mv - c.cell_min_mv));
  const minTemperature =
    s.temperature_position === null ? s.min_temperature_c : c.low_temp_charge_c - 5 + s.temperature_position * (c.high_temp_charge_c - c.low_temp_charge_c + 10);
  return liveData(now - s.age_ms, {
    cell_voltage_mv: s.cells.slice(0, count),
    cell_count: count,
    pack_voltage_v: s.pack_voltage_v,
    pack_current_a: s.pack_current_a,
    state_of_charge_pct: s.state_of_charge_pct,
    min_cell_voltage_mv: minCell,
    max_cell_voltage_mv: minCell + s.cell_spread_mv,
    min_temperature_c: minTemperature,
    max_temperature_c: minTemperature + s.temperature_spread_c,
    data_valid: s.data_valid,
    online_status: s.online_status,
  });
}

/** What a TinyBMS may report as its cut-offs (RevD ranges), each possibly not read yet. */
const cutoffs: fc.Arbitrary<BmsCutoffs> = fc.record(
  {
    fully_charged_mv: fc.integer({ min: 1200, max: 4500 }),
    overvoltage_mv: fc.integer({ min: 1200, max: 4500 }),
    undervoltage_mv: fc.integer({ min: 800, max: 3500 }),
    discharge_overcurrent_a: fc.integer({ min: 1, max: 750 }),
    charge_overcurrent_a: fc.integer({ min: 1, max: 750 }),
    overheat_c: fc.integer({ min: 20, max: 90 }),
    low_temp_charge_c: fc.integer({ min: -40, max: 10 }),
  },
  { requiredKeys: [] },
);
const bmsContext: fc.Arbitrary<BmsContext> = fc.record({
  cutoffs,
  logged_fault_causes: fc.subarray<FaultCause>(['under_voltage', 'over_voltage', 'over_temperature', 'low_temperature', 'charge_over_current', 'discharge_over_current', 'switch_error', 'unknown']),
});
const margins = fc.record({ bms_current_margin_pct: num(0, 50), bms_voltage_margin_mv: fc.integer({ min: 0, max: 500 }), ccl_ramp_a_per_s: num(0.1, 1000) });

/** Runs a sequence and hands every (input, decision) pair to `check`. */
function run(c: ChargeConfig, snapshots: Snapshot[], check: (d: LiveData, decision: ChargeDecision, now: number, settings: ChargeSettings) => void, bms: BmsContext = {}): void {
  // Only configurations the gateway would accept: the schema and its cross-field rules hold.
  const accepted = validate({ ...defaultConfig(), charge: c });
  if (!accepted.ok) throw new Error(`generator made a config the schema refuses: ${JSON.stringify(accepted.errors)}`);
  const settings: ChargeSettings = { charge: c, stale_after_ms: 5000 };
  let state = initialChargeState();
  let now = 1_000_000;
  for (const s of snapshots) {
    now += s.step_ms;
    const d = toLiveData(s, now, c);
    const decision = computeChargeLimits(d, now, settings, state, bms);
    seen.decisions++;
    if (decision.usable) seen.usable++;
    if (decision.limits.charge_allowed) seen.chargeAllowed++;
    if (decision.usable && (d.max_cell_voltage_mv >= c.cell_max_mv || d.min_temperature_c <= c.low_temp_charge_c)) seen.protectedCharge++;
    check(d, decision, now, settings);
    state = decision.state;
  }
}

const sequences = fc.array(snapshot, { minLength: 1, maxLength: 25 });
const RUNS = { numRuns: 400 };

/** Decisions seen and how many came from usable data: a property over only unusable data proves little. */
const seen = { decisions: 0, usable: 0, chargeAllowed: 0, protectedCharge: 0 };

afterAll(() => {
  expect(seen.usable / seen.decisions).toBeGreaterThan(0.2);
  expect(seen.chargeAllowed / seen.decisions).toBeGreaterThan(0.02); // ~6 % in practice
  expect(seen.protectedCharge / seen.decisions).toBeGreaterThan(0.05); // ~30 % in practice
});

describe('charge control properties', () => {
  // 400 sequences of up to 25 decisions take ≈ 2.5 s on an idle machine; one run timed out at jest's 30 s under load 6.
  jest.setTimeout(120_000);
  it('keeps 0 ≤ CCL ≤ max, 0 ≤ DCL ≤ max and CVL within [cells × cell_min, cells × cell_max]', () => {
    fc.assert(
      fc.property(chargeConfig, sequences, (c, snapshots) =>
        run(c, snapshots, (_d, { limits, usable }) => {
          for (const value of [limits.charge_voltage_limit_v, limits.charge_current_limit_a, limits.discharge_current_limit_a, limits.discharge_voltage_limit_v]) {
            expect(Number.isFinite(value)).toBe(true);
          }
          expect(limits.charge_current_limit_a).toBeGreaterThanOrEqual(0);
          expect(limits.charge_current_limit_a).toBeLessThanOrEqual(c.max_charge_current_a);
          expect(limits.discharge_current_limit_a).toBeGreaterThanOrEqual(0);
          expect(limits.discharge_current_limit_a).toBeLessThanOrEqual(c.max_discharge_current_a);
          expect(limits.charge_allowed).toBe(limits.charge_current_limit_a > 0);
          expect(limits.discharge_allowed).toBe(limits.discharge_current_limit_a > 0);
          if (usable) {
            expect(limits.charge_voltage_limit_v).toBeGreaterThanOrEqual((c.series_cells * c.cell_min_mv) / 1000);
            expect(limits.charge_voltage_limit_v).toBeLessThanOrEqual((c.series_cells * c.cell_max_mv) / 1000);
            // Protections only ever lower the phase voltage.
            expect(limits.charge_voltage_limit_v).toBeLessThanOrEqual(Math.round((c.series_cells * c.bulk_cell_mv) / 100) / 10 + 1e-9);
          }
        }),
      ),
      RUNS,
    );
  });

  it('never exceeds the configured maximum nor the BMS cut-off less the margin, whatever the BMS reports', () => {
    fc.assert(
      fc.property(chargeConfig, margins, bmsContext, sequences, (base, m, bms, snapshots) => {
        const c = { ...base, ...m };
        const n = c.series_cells;
        const share = 1 - c.bms_current_margin_pct / 100;
        const cut = bms.cutoffs ?? {};
        run(
          c,
          snapshots,
          (_d, { limits, usable }) => {
            const ccl = limits.charge_current_limit_a;
            const dcl = limits.discharge_current_limit_a;
            expect(ccl).toBeLessThanOrEqual(c.max_charge_current_a);
            expect(dcl).toBeLessThanOrEqual(c.max_discharge_current_a);
            if (cut.charge_overcurrent_a !== undefined) expect(ccl).toBeLessThanOrEqual(cut.charge_overcurrent_a * share + 1e-9);
            if (cut.discharge_overcurrent_a !== undefined) expect(dcl).toBeLessThanOrEqual(cut.discharge_overcurrent_a * share + 1e-9);
            if (!usable) return;
            expect(limits.charge_voltage_limit_v).toBeLessThanOrEqual((n * c.cell_max_mv) / 1000 + 1e-9);
            if (cut.overvoltage_mv !== undefined) expect(limits.charge_voltage_limit_v).toBeLessThanOrEqual((n * (cut.overvoltage_mv - c.bms_voltage_margin_mv)) / 1000 + 1e-9);
          },
          bms,
        );
      }),
      RUNS,
    );
  });

  it('never gives charge permission from stale, invalid or implausible data', () => {
    fc.assert(
      fc.property(chargeConfig, sequences, (c, snapshots) =>
        run(c, snapshots, (d, decision, now, settings) => {
          const stale = now - d.timestamp_ms > settings.stale_after_ms || d.timestamp_ms > now;
          if (stale || !d.data_valid) expect(decision.usable).toBe(false);
          if (!decision.usable) {
            expect(decision.limits.charge_allowed).toBe(false);
            expect(decision.limits.discharge_allowed).toBe(false);
            expect(decision.limits.charge_current_limit_a).toBe(0);
            expect(decision.force_charge_request).toBe(false);
          }
        }),
      ),
      RUNS,
    );
  });

  it('always stops charging at a cell maximum or a charge temperature limit, and discharging at a cell minimum or the discharge temperature limit', () => {
    fc.assert(
      fc.property(chargeConfig, sequences, (c, snapshots) =>
        run(c, snapshots, (d, { limits, usable }) => {
          if (!usable) return;
          // A cell temperature outside −60…150 °C (or NaN) is a broken sensor: no charging, discharge as before.
          const plausible = (t: number) => Number.isFinite(t) && t >= -60 && t <= 150;
          const temperatureKnown = plausible(d.min_temperature_c) && plausible(d.max_temperature_c);
          const hottest = Math.max(d.min_temperature_c, d.max_temperature_c);
          if (d.max_cell_voltage_mv >= c.cell_max_mv) expect(limits.charge_current_limit_a).toBe(0);
          if (!temperatureKnown) expect(limits.charge_current_limit_a).toBe(0);
          if (Math.min(d.min_temperature_c, d.max_temperature_c) <= c.low_temp_charge_c || hottest >= c.high_temp_charge_c) expect(limits.charge_current_limit_a).toBe(0);
          if (d.min_cell_voltage_mv <= c.cell_min_mv) expect(limits.discharge_current_limit_a).toBe(0);
          if (temperatureKnown && hottest >= c.high_temp_discharge_c) expect(limits.discharge_current_limit_a).toBe(0);
        }),
      ),
      RUNS,
    );
  });
});
