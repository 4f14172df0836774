/**
 * Two TinyBMS packs in parallel as one Victron battery: the publisher in bank mode with the real
 * CAN driver, event bus and virtual CAN bus on a virtual clock, fed 'bms.pack' as two pollers
 * would. Each scenario asserts what the GX receives: 0x351 limits, 0x355 SOC/SOH, 0x35A alarms,
 * 0x372 module counts (and 0x379 / 0x374–0x377 where the rule is about them).
 */
import { CanPublisher } from '../../../modules/can_publisher/publisher';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import { CanVictronDriver } from '../../../modules/can_victron/driver';
import { CAN_ID } from '../../../modules/can_victron/ids';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { liveData, makeTestBed } from '../can_victron/test_context';

type PackFeed = Partial<LiveData> | undefined;

function bank(capacities: Record<number, number> = { 1: 280, 2: 280 }) {
  // Each pack's CCL may reach its target in one cycle: the slew limit has its own tests (charge_scenarios, publisher).
  const bed = makeTestBed({ config: { charge: { ccl_ramp_a_per_s: 1000 } } });
  const driver = new CanVictronDriver(bed.ctx);
  const publisher = new CanPublisher(bed.ctx, { transmitter: driver, packs: 2, packCapacityAh: (pack) => capacities[pack] });
  driver.start();
  publisher.start();
  /** Both pollers every 250 ms for `ms`; undefined = that pack is silent. */
  const run = (ms: number, pack1: PackFeed, pack2: PackFeed) => {
    for (let t = 0; t < ms; t += 250) {
      if (pack1) bed.ctx.bus.publish('bms.pack', { pack: 1, data: liveData(bed.clock.now(), pack1) });
      if (pack2) bed.ctx.bus.publish('bms.pack', { pack: 2, data: liveData(bed.clock.now(), pack2) });
      bed.clock.advance(250);
    }
  };
  const last = (id: number) => {
    const frames = bed.can.sent.filter((f) => f.id === id);
    const frame = frames[frames.length - 1];
    if (!frame) throw new Error(`no 0x${id.toString(16)} sent`);
    const r = decodeCanFrame(frame.id, frame.data);
    if (!r.ok) throw new Error(r.error);
    return r.frame.fields as Record<string, any>;
  };
  const modules = () => {
    const f = last(CAN_ID.MODULES);
    return [f.modules_ok, f.modules_blocking_charge, f.modules_blocking_discharge, f.modules_offline];
  };
  const packLimits = (pack: number) => publisher.packDecisions()[pack - 1].decision?.limits;
  return { ...bed, publisher, run, last, modules, packLimits };
}

const healthy = (soc: number, current = 10): Partial<LiveData> => ({ state_of_charge_pct: soc, pack_current_a: current, state_of_health_pct: 100 });
const cells = (first: number, rest = 3300) => [first, ...new Array<number>(15).fill(rest)];

describe('two packs as one battery', () => {
  it('both healthy: CVL shared, CCL and DCL summed, SOC weighted, all modules online', () => {
    const b = bank();
    b.run(25_000, { ...healthy(60, 20), state_of_health_pct: 97 }, healthy(70, 18));
    expect(b.last(CAN_ID.LIMITS)).toMatchObject({ charge_voltage_limit_v: 55.2, charge_current_limit_a: 200, discharge_current_limit_a: 300 });
    expect(b.last(CAN_ID.SOC_SOH)).toMatchObject({ state_of_charge_pct: 65, state_of_health_pct: 97 });
    const v = b.last(CAN_ID.VOLTAGE_CURRENT_TEMPERATURE);
    expect(v.pack_voltage_v).toBeCloseTo(52.8, 2); // mean of 52.8 and 52.8
    expect(v.pack_current_a).toBeCloseTo(38, 1); // sum
    expect(v.battery_temperature_c).toBeCloseTo(26, 1); // hottest sensor
    const alarms = b.last(CAN_ID.ALARMS);
    expect(Object.values(alarms.alarms).filter((s) => s === 'active')).toEqual([]);
    expect(Object.values(alarms.warnings).filter((s) => s === 'active')).toEqual([]);
    expect(b.modules()).toEqual([2, 0, 0, 0]);
    expect(b.last(CAN_ID.INSTALLED_CAPACITY).installed_capacity_ah).toBe(560);
  });

  it('one pack over-voltage: the whole bank stops charging, CVL is that pack\'s, high-voltage alarm, one module blocking charge', () => {
    const b = bank();
    b.run(25_000, healthy(90), { ...healthy(95), cell_voltage_mv: cells(3670, 3400) });
    const pack2 = b.packLimits(2);
    expect(pack2?.charge_allowed).toBe(false);
    expect(b.packLimits(1)?.charge_current_limit_a).toBe(100);
    const limits = b.last(CAN_ID.LIMITS);
    expect(limits.charge_current_limit_a).toBe(0);
    expect(limits.discharge_current_limit_a).toBe(300);
    expect(limits.charge_voltage_limit_v).toBeCloseTo(Math.min(55.2, pack2?.charge_voltage_limit_v ?? NaN), 1);
    expect(b.last(CAN_ID.ALARMS).alarms.high_voltage).toBe('active');
    expect(b.modules()).toEqual([2, 1, 0, 0]);
    expect(b.last(CAN_ID.MAX_CELL_VOLTAGE_ID).max_cell_voltage_id).toBe('P2C01');
  });

  it('one pack silent: excluded as soon as its data is stale, counted offline, the limits shrink to the other pack', () => {
    const b = bank();
    const published = b.record('charge.limits');
    b.run(25_000, healthy(60), healthy(80));
    expect(b.last(CAN_ID.LIMITS).charge_current_limit_a).toBe(200);
    const lastPack2Sample = b.clock.now() - 250;
    const silentFrom = b.clock.now();
    b.run(4000, healthy(60), undefined);
    // Still inside bms.stale_after_ms (5 s): pack 2's last sample counts.
    expect(b.modules()).toEqual([2, 0, 0, 0]);
    b.run(2000, healthy(60), undefined);
    expect(b.clock.now() - silentFrom).toBeGreaterThan(5000);
    expect(b.last(CAN_ID.LIMITS)).toMatchObject({ charge_current_limit_a: 100, discharge_current_limit_a: 150, charge_voltage_limit_v: 55.2 });
    expect(b.last(CAN_ID.SOC_SOH).state_of_charge_pct).toBe(60);
    const alarms = b.last(CAN_ID.ALARMS);
    expect(alarms.warnings.bms_internal).toBe('active');
    expect(alarms.alarms.bms_internal).toBe('ok');
    expect(b.modules()).toEqual([1, 0, 0, 1]);
    // The moment it went stale (5 s + 1 ms after its last sample), not at the next 1 s cycle.
    const shrunk = published.find((e) => e.at > silentFrom && e.payload.charge_current_limit_a === 100);
    expect(shrunk?.at).toBe(lastPack2Sample + 5001);
    expect(shrunk?.payload.reasons).toContain('pack2:offline');
  });

  it('both silent: no 0x351 at all, every module offline', () => {
    const b = bank();
    b.run(2000, healthy(60), healthy(60));
    b.run(6000, undefined, undefined);
    const sentBefore = b.can.sent.filter((f) => f.id === CAN_ID.LIMITS).length;
    b.run(25_000, undefined, undefined);
    expect(b.can.sent.filter((f) => f.id === CAN_ID.LIMITS).length).toBe(sentBefore);
    expect(b.modules()).toEqual([0, 0, 0, 2]);
    expect(b.last(CAN_ID.ALARMS).alarms.bms_internal).toBe('active');
    expect(b.publisher.currentLimits()).toMatchObject({ charge_allowed: false, discharge_allowed: false });
  });

  it('one pack under-voltage while the other charges: discharge stops for the bank, charging goes on to lift the low pack', () => {
    const b = bank();
    b.run(25_000, healthy(40, 35), { ...healthy(3, 5), cell_voltage_mv: cells(2750, 3000) });
    expect(b.packLimits(2)?.discharge_allowed).toBe(false);
    const limits = b.last(CAN_ID.LIMITS);
    expect(limits.discharge_current_limit_a).toBe(0);
    expect(limits.charge_current_limit_a).toBeGreaterThan(0);
    expect(limits.charge_current_limit_a).toBeCloseTo((b.packLimits(1)?.charge_current_limit_a ?? 0) + (b.packLimits(2)?.charge_current_limit_a ?? 0), 1);
    expect(b.last(CAN_ID.ALARMS).alarms.low_voltage).toBe('active');
    expect(b.modules()).toEqual([2, 0, 1, 0]);
    expect(b.last(CAN_ID.MIN_CELL_VOLTAGE_ID).min_cell_voltage_id).toBe('P2C01');
  });

  it('capacity mix (280 Ah + 100 Ah): SOC weighted by capacity, capacity summed, each pack bounded by its own limits', () => {
    const b = bank({ 1: 280, 2: 100 });
    b.run(25_000, healthy(80), healthy(20));
    // (80 × 280 + 20 × 100) / 380 = 64.2 %
    expect(b.last(CAN_ID.SOC_SOH).state_of_charge_pct).toBe(64);
    expect(b.last(CAN_ID.INSTALLED_CAPACITY).installed_capacity_ah).toBe(380);
    expect(b.last(CAN_ID.BATTERY_INFO).online_capacity_ah).toBe(380);
    const limits = b.last(CAN_ID.LIMITS);
    expect(limits.charge_current_limit_a).toBeCloseTo((b.packLimits(1)?.charge_current_limit_a ?? NaN) + (b.packLimits(2)?.charge_current_limit_a ?? NaN), 1);
    expect(limits.discharge_current_limit_a).toBeCloseTo((b.packLimits(1)?.discharge_current_limit_a ?? NaN) + (b.packLimits(2)?.discharge_current_limit_a ?? NaN), 1);
    expect(b.modules()).toEqual([2, 0, 0, 0]);
  });
});
