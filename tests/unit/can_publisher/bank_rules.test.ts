/** bank.ts and the bank feed's mismatch check, rule by rule on hand-made pack decisions (pure). */
import { aggregateBank, worstFlags, type PackInput } from '../../../modules/can_publisher/bank';
import { PACK_VOLTAGE_MISMATCH_V, packMismatches } from '../../../modules/can_publisher/bank_feed';
import type { ChargeDecision } from '../../../modules/can_publisher/charge_control';
import { initialChargeState } from '../../../modules/can_publisher/charge_state';
import type { ChargeLimits } from '../../../modules/event_bus/events';
import { liveData } from '../can_victron/test_context';

function decision(limits: Partial<ChargeLimits>, usable = true, flags: ChargeDecision['flags'] = {}): ChargeDecision {
  const full: ChargeLimits = {
    charge_voltage_limit_v: 55.2,
    charge_current_limit_a: 100,
    discharge_current_limit_a: 150,
    discharge_voltage_limit_v: 46.4,
    charge_allowed: true,
    discharge_allowed: true,
    reasons: ['bulk'],
    ...limits,
  } as ChargeLimits;
  full.charge_allowed = full.charge_current_limit_a > 0;
  full.discharge_allowed = full.discharge_current_limit_a > 0;
  return { limits: full, state: initialChargeState(), usable, force_charge_request: false, flags, fault_causes: [] } as ChargeDecision;
}

const pack = (n: number, limits: Partial<ChargeLimits>, data = liveData(0), capacity = 280, usable = true, flags = {}): PackInput => ({
  pack: n,
  data,
  decision: decision(limits, usable, flags),
  capacity_ah: capacity,
});

describe('bank rules', () => {
  it('CVL is the lowest, DVL the highest, currents the sum of each pack\'s own limits', () => {
    const view = aggregateBank([pack(1, { charge_voltage_limit_v: 55.2, discharge_voltage_limit_v: 46.4, charge_current_limit_a: 80 }), pack(2, { charge_voltage_limit_v: 54.4, discharge_voltage_limit_v: 48, charge_current_limit_a: 35.5 })], initialChargeState());
    expect(view.decision.limits).toMatchObject({ charge_voltage_limit_v: 54.4, discharge_voltage_limit_v: 48, charge_current_limit_a: 115.5, discharge_current_limit_a: 300 });
  });

  it('SOH is the lowest, SOC capacity-weighted, voltage the mean, current the sum, temperature the warmest sensor', () => {
    const a = liveData(0, { state_of_charge_pct: 90, state_of_health_pct: 99, pack_current_a: 12, temperatures_c: [20, 21] });
    const b = liveData(0, { state_of_charge_pct: 30, state_of_health_pct: 91, pack_current_a: -2, temperatures_c: [27, 25], cell_voltage_mv: new Array(16).fill(3250) });
    const view = aggregateBank([pack(1, {}, a, 300), pack(2, {}, b, 100)], initialChargeState());
    expect(view.data?.state_of_charge_pct).toBeCloseTo(75, 6);
    expect(view.data?.state_of_health_pct).toBe(91);
    expect(view.data?.pack_voltage_v).toBeCloseTo((52.8 + 52) / 2, 6);
    expect(view.data?.pack_current_a).toBe(10);
    expect(view.battery_temperature_c).toBe(27);
    expect(view.ids).toEqual({ min_cell: 'P2C01', max_cell: 'P1C01', min_temperature: 'P1T1', max_temperature: 'P2T1' });
    expect(view.capacity_ah).toBe(400);
  });

  it('an unusable pack is left out of every figure but still counted, and its capacity stays installed', () => {
    const stale = pack(2, { charge_current_limit_a: 0, discharge_current_limit_a: 0 }, liveData(0, { state_of_charge_pct: 5 }), 100, false);
    const view = aggregateBank([pack(1, {}, liveData(0, { state_of_charge_pct: 80 })), stale], initialChargeState());
    expect(view.modules).toEqual({ online: 1, blocking_charge: 0, blocking_discharge: 0, offline: 1 });
    expect(view.data?.state_of_charge_pct).toBe(80);
    expect(view.decision.limits.charge_current_limit_a).toBe(100);
    expect(view.capacity_ah).toBe(380);
    expect(view.decision.flags.bms_internal).toBe('warning');
  });

  it('flags: per flag the worst level any pack reports', () => {
    expect(worstFlags([{ high_voltage: 'warning', low_voltage: 'ok' }, { high_voltage: 'alarm', cell_imbalance: 'warning' }], { bms_internal: 'warning' })).toEqual({
      high_voltage: 'alarm',
      low_voltage: 'ok',
      cell_imbalance: 'warning',
      bms_internal: 'warning',
    });
  });
});

describe('pack mismatch', () => {
  it('warns about a voltage gap above the threshold, naming the packs, and about a capacity mix', () => {
    expect(packMismatches([{ pack: 1, voltage_v: 52.1 }, { pack: 2, voltage_v: 52.1 + PACK_VOLTAGE_MISMATCH_V - 0.01 }], [280, 280])).toEqual([]);
    expect(packMismatches([{ pack: 1, voltage_v: 52.1 }, { pack: 2, voltage_v: 53.3 }], [280, 280])).toEqual([{ kind: 'voltage', packs: [2, 1], difference_v: 1.2 }]);
    expect(packMismatches([{ pack: 1, voltage_v: 52.1 }], [280, 100])).toEqual([{ kind: 'capacity', capacities_ah: [280, 100] }]);
    expect(packMismatches([], [280, 260])).toEqual([]);
  });
});
