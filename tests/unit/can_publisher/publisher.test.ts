/**
 * The publisher with the real driver, event bus and virtual CAN bus on a virtual clock: the frame
 * schedule, silence of the BMS, TX queue and bus-off trouble, the inverter keep-alive, the energy
 * counters through a memory store, the Pylontech guard and the module switches.
 */
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { CanPublisher } from '../../../modules/can_publisher/publisher';
import { decodeAlarmFrame } from '../../../modules/can_victron/alarms';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import { CanVictronDriver } from '../../../modules/can_victron/driver';
import { CAN_ID } from '../../../modules/can_victron/ids';
import type { GatewayConfig } from '../../../modules/config_manager/config_types';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { type DeepPartial, liveData, makeTestBed } from '../can_victron/test_context';

function gateway(options: { config?: DeepPartial<GatewayConfig>; store?: MemoryStore } = {}) {
  const bed = makeTestBed(options);
  const driver = new CanVictronDriver(bed.ctx);
  const publisher = new CanPublisher(bed.ctx, { transmitter: driver, firmware: { major: 2, minor: 1 } });
  driver.start();
  publisher.start();
  const dataTimes: number[] = [];
  const poll = (overrides: Partial<LiveData> = {}) => {
    dataTimes.push(bed.clock.now());
    bed.ctx.bus.publish('bms.data', liveData(bed.clock.now(), overrides));
  };
  /** Polls every `stepMs` for `ms`, like the UART poller. */
  const run = (ms: number, overrides: Partial<LiveData> | ((t: number) => Partial<LiveData>) = {}, stepMs = 250) => {
    for (let t = 0; t < ms; t += stepMs) {
      poll(typeof overrides === 'function' ? overrides(bed.clock.now()) : overrides);
      bed.clock.advance(stepMs);
    }
  };
  const sent = (id: number) => bed.can.sent.filter((f) => f.id === id);
  const fields = (f: { id: number; data: Uint8Array }) => {
    const r = decodeCanFrame(f.id, f.data);
    if (!r.ok) throw new Error(r.error);
    return r.frame.fields;
  };
  return { ...bed, driver, publisher, poll, run, sent, fields, dataTimes };
}

const perSecond = (frames: { timestamp_ms: number }[], from: number, to: number) => {
  const counts: number[] = [];
  for (let s = from; s < to; s++) counts.push(frames.filter((f) => Math.floor(f.timestamp_ms / 1000) === s).length);
  return counts;
};

describe('schedule', () => {
  it('sends 0x351 and 0x35A every second and the identity/energy groups every 10 s', () => {
    const g = gateway();
    g.run(21_000);
    expect(perSecond(g.sent(CAN_ID.LIMITS), 1, 21)).toEqual(new Array(20).fill(1));
    expect(perSecond(g.sent(CAN_ID.ALARMS), 1, 21)).toEqual(new Array(20).fill(1));
    expect(perSecond(g.sent(CAN_ID.SOC_SOH), 1, 21)).toEqual(new Array(20).fill(1));
    for (const id of [CAN_ID.MANUFACTURER, CAN_ID.BATTERY_INFO, CAN_ID.ENERGY, CAN_ID.INSTALLED_CAPACITY, CAN_ID.MIN_CELL_VOLTAGE_ID]) {
      expect(g.sent(id).map((f) => Math.floor(f.timestamp_ms / 1000))).toEqual([1, 11]);
    }
    expect(g.sent(CAN_ID.INVERTER_KEEPALIVE)).toEqual([]);
    // Each cycle is timed for monitoring (no virtual time passes inside one).
    expect(g.publisher.metrics()).toMatchObject({ cycles_total: 21, cycle_max_ms: 0 });
  });

  it('puts the charge decision in 0x351 and reports the same limits to the rest of the gateway', () => {
    // A ramp fast enough to reach 100 A in the first cycle (the slew limit is tested below).
    const g = gateway({ config: { charge: { ccl_ramp_a_per_s: 1000 } } });
    const events = g.record('charge.limits');
    g.run(5000);
    const limits = g.publisher.currentLimits()!;
    expect(g.fields(g.sent(CAN_ID.LIMITS).at(-1)!)).toEqual({
      charge_voltage_limit_v: limits.charge_voltage_limit_v,
      charge_current_limit_a: limits.charge_current_limit_a,
      discharge_current_limit_a: limits.discharge_current_limit_a,
      discharge_voltage_limit_v: limits.discharge_voltage_limit_v,
    });
    expect(limits).toMatchObject({ charge_voltage_limit_v: 55.2, charge_current_limit_a: 100, discharge_current_limit_a: 150, charge_allowed: true });
    // Steady input: published once, not every cycle.
    expect(events).toHaveLength(1);
    expect(g.publisher.metrics()).toMatchObject({ state: 'running', phase: 'bulk', charge_voltage_limit_v: 55.2, limits_usable: true });
  });
});

describe('CCL slew limit on the virtual clock', () => {
  it('ramps CCL up at charge.ccl_ramp_a_per_s from start and again after a stale spell, and drops it at once', () => {
    const g = gateway({ config: { charge: { ccl_ramp_a_per_s: 10 } } });
    const ccl = () => g.publisher.currentLimits()!.charge_current_limit_a;
    g.run(1000);
    const first = ccl();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(10);
    g.run(4000);
    expect(ccl()).toBeCloseTo(first + 40, 6);
    g.run(10_000);
    expect(ccl()).toBe(100);
    // Stale: nothing for 10 s, then data again — back up from 0, never a step.
    g.clock.advance(10_000);
    expect(ccl()).toBe(0);
    g.run(1000);
    expect(ccl()).toBeLessThanOrEqual(10);
    expect(g.publisher.currentLimits()!.limiting?.ccl).toBe('ccl_ramp');
    // A protection cuts it at once.
    g.run(2000);
    g.run(1000, { temperatures_c: [-2, 3] });
    expect(ccl()).toBe(0);
  });
});

describe('BMS silence', () => {
  it('withdraws charge permission the moment data turns stale and sends no 0x351 from stale data', () => {
    const g = gateway();
    const events = g.record('charge.limits');
    g.run(10_000);
    const last = g.dataTimes.at(-1)!;
    g.clock.advance(20_000);
    const staleAfter = g.ctx.config().bms.stale_after_ms;

    const withdrawn = events.find((e) => !e.payload.charge_allowed)!;
    expect(withdrawn.at).toBeLessThanOrEqual(last + staleAfter + 1);
    expect(withdrawn.payload).toMatchObject({ charge_current_limit_a: 0, discharge_current_limit_a: 0, discharge_allowed: false, reasons: ['stale_data'] });
    // Every 0x351 was built from data younger than stale_after_ms (plus a few ms on the wire).
    for (const frame of g.sent(CAN_ID.LIMITS)) {
      const newest = Math.max(...g.dataTimes.filter((t) => t <= frame.timestamp_ms));
      expect(frame.timestamp_ms - newest).toBeLessThanOrEqual(staleAfter + 20);
    }
    expect(g.sent(CAN_ID.LIMITS).at(-1)!.timestamp_ms).toBeLessThanOrEqual(last + staleAfter + 20);
    // 0x35A keeps flowing and says what is wrong.
    const lastAlarm = g.sent(CAN_ID.ALARMS).at(-1)!;
    expect(lastAlarm.timestamp_ms).toBeGreaterThan(last + 15_000);
    expect(decodeAlarmFrame(lastAlarm.data).alarms.bms_internal).toBe('active');
    expect(g.publisher.metrics()).toMatchObject({ limits_usable: false, charge_allowed: false });

    g.run(3000);
    expect(g.sent(CAN_ID.LIMITS).at(-1)!.timestamp_ms).toBeGreaterThan(last + 20_000);
    expect(g.publisher.currentLimits()?.charge_allowed).toBe(true);
  });

  it('treats a run of failed polls like silence', () => {
    const g = gateway();
    g.run(5000);
    const lastValid = g.dataTimes.at(-1)!;
    g.run(15_000, { data_valid: false });
    expect(g.publisher.currentLimits()).toMatchObject({ charge_allowed: false, reasons: ['stale_data'] });
    expect(g.sent(CAN_ID.LIMITS).at(-1)!.timestamp_ms).toBeLessThanOrEqual(lastValid + 5000 + 20);
    expect(g.publisher.metrics().samples_invalid).toBe(60);
  });
});

describe('CAN trouble', () => {
  it('counts refused frames while the bus is off and resumes with fresh frames after recovery', () => {
    const g = gateway();
    g.run(3000);
    g.clock.advance(950);
    g.can.simulateBusOff(); // 50 ms before a cycle: the cycle's frames meet a dead bus
    const offAt = g.clock.now();
    g.run(2000);
    expect(g.driver.status()).toMatchObject({ bus_off_count: 1, recoveries: 1 });
    // The cycle's frames were queued, then dropped by the driver when the port reported bus-off.
    expect(g.driver.status().tx_dropped_bus_off).toBeGreaterThanOrEqual(6);
    const afterOff = g.can.sent.filter((f) => f.timestamp_ms > offAt);
    expect(afterOff.length).toBeGreaterThan(0);
    // Nothing queued before or during the bus-off went out afterwards: the first frame is a new cycle's 0x351.
    expect(afterOff[0].id).toBe(CAN_ID.LIMITS);
    expect(afterOff[0].timestamp_ms % 1000).toBeLessThan(50);
    expect(afterOff[0].timestamp_ms - offAt).toBeLessThan(1500);
  });

  it('keeps only the newest frame per id while the wire is stalled and refuses what does not fit', () => {
    const g = gateway();
    g.run(2000);
    g.can.pauseWire(true);
    const stalledFrom = g.clock.now();
    g.run(12_000, (t) => ({ state_of_charge_pct: Math.floor(t / 1000) }));
    // Ten ids every second fit (newest wins); the 10 s groups at 11 s do not.
    expect(g.driver.status().tx_replaced).toBeGreaterThan(40);
    expect(g.publisher.metrics().frames_failed).toBeGreaterThanOrEqual(6);
    g.can.pauseWire(false);
    g.clock.advance(100);
    // The port's own ten frames from the start of the stall go first, then the driver's newest ones.
    const after = g.can.sent.filter((f) => f.timestamp_ms > stalledFrom);
    expect(after.length).toBeLessThanOrEqual(20);
    const soc = after.filter((f) => f.id === CAN_ID.SOC_SOH).map((f) => g.fields(f).state_of_charge_pct as number);
    // 50 and 2 were already in the port's hardware queue (cycles at 2 s and 3 s); 13 is the newest,
    // from the driver's queue where each cycle replaced the previous 0x355.
    expect(soc).toEqual([50, 2, 13]);
  });

  it('shows the inverter as present while its 0x305 keep-alives arrive', () => {
    const g = gateway();
    for (let s = 0; s < 5; s++) {
      g.can.injectKeepAlive();
      g.run(1000);
    }
    expect(g.driver.status()).toMatchObject({ inverter_present: true, inverter_keepalives: 5 });
    g.run(12_000);
    expect(g.driver.status().inverter_present).toBe(false);
  });
});

describe('energy counters', () => {
  it('integrate V·I, are saved on the Wh threshold and time bound and at stop, and come back after a restart', () => {
    const store = new MemoryStore();
    const g = gateway({ store });
    g.run(10 * 60_000, { pack_current_a: 10 }, 1000); // 52.8 V × 10 A for 10 minutes
    const expected = (528 * 599) / 3600;
    expect(g.publisher.energyTotals().charged_wh).toBeCloseTo(expected, 6);
    // 528 W: 10 Wh take 68 s, so the 60 s time bound saves first: about once a minute, never more.
    expect(g.publisher.metrics().energy_saves).toBeGreaterThanOrEqual(9);
    expect(g.publisher.metrics().energy_saves).toBeLessThanOrEqual(10);
    const saved = JSON.parse(store.get('energy')!).charged_wh as number;
    expect(expected - saved).toBeLessThanOrEqual((528 * 61) / 3600);
    g.publisher.stop();
    expect(JSON.parse(store.get('energy')!)).toEqual({ v: 1, charged_wh: expect.closeTo(expected, 6), discharged_wh: 0 });

    const again = gateway({ store: new MemoryStore({ entries: store.entries() }) });
    expect(again.publisher.energyTotals().charged_wh).toBeCloseTo(expected, 6);
    again.run(60_000, { pack_current_a: -20 }, 1000);
    expect(again.publisher.energyTotals().discharged_wh).toBeCloseTo((52.8 * 20 * 59) / 3600, 6);
    again.run(10_000, {}, 1000);
    expect(again.fields(again.sent(CAN_ID.ENERGY).at(-1)!)).toEqual({ charged_energy_wh: 100, discharged_energy_wh: 0 });
  });

  it('saves after the threshold at most every 30 s under heavy power', () => {
    const store = new MemoryStore();
    const g = gateway({ store });
    g.run(5 * 60_000, { pack_current_a: 100 }, 1000); // 5.28 kW: 10 Wh in under 7 s
    expect(g.publisher.metrics().energy_saves).toBe(10); // every 30 s, the wear-budget floor
  });

  it('retries a failed save at the next interval', () => {
    const store = new MemoryStore();
    const g = gateway({ store });
    store.failNextPut('NVS full');
    g.run(61_000, {}, 1000);
    expect(g.publisher.metrics()).toMatchObject({ energy_saves: 0, energy_save_failures: 1 });
    expect(store.get('energy')).toBeUndefined();
    g.run(60_000, {}, 1000);
    expect(g.publisher.metrics()).toMatchObject({ energy_saves: 1, energy_save_failures: 1 });
    expect(g.logs.some((l) => l.level === 'error' && /not saved .*NVS full/.test(l.message))).toBe(true);
  });

  it('starts from zero on a corrupt record, says so and keeps the record', () => {
    const store = new MemoryStore({ entries: [['energy', 'garbage']] });
    const g = gateway({ store });
    expect(g.publisher.energyTotals()).toEqual({ charged_wh: 0, discharged_wh: 0 });
    expect(store.get('energy_corrupt')).toBe('garbage');
    expect(g.logs.some((l) => l.level === 'error' && /unreadable/.test(l.message))).toBe(true);
  });
});

describe('Pylontech guard', () => {
  it('refuses to start on 16 cells when the float voltage would fall into the GX’s 30–54 V window', () => {
    const g = gateway({ config: { can: { protocol: 'pylontech' } } });
    g.run(5000);
    expect(g.can.sent).toEqual([]);
    expect(g.publisher.metrics()).toMatchObject({ state: 'refused', refusal: expect.stringMatching(/54\.00 V float.*at least 3382 mV/) });
    expect(g.logs.some((l) => l.level === 'error' && /not publishing/.test(l.message))).toBe(true);
  });

  it('refuses a "PYLON" manufacturer name in Victron mode for the same reason', () => {
    const g = gateway({ config: { can: { manufacturer: 'PYLON' } } });
    g.run(3000);
    expect(g.can.sent).toEqual([]);
    expect(g.publisher.state).toBe('refused');
  });

  it('runs with a float above 54 V, sends the Pylontech set every second and never a CVL below 54.1 V', () => {
    const g = gateway({ config: { can: { protocol: 'pylontech' }, charge: { float_cell_mv: 3400 } } });
    const runner = new Array<number>(16).fill(3300);
    runner[0] = 3550; // imbalance hold + over-voltage ceiling would ask for 53.0 V
    g.run(3000, { cell_voltage_mv: runner });
    const ids = new Set(g.can.sent.map((f) => f.id));
    expect([...ids].sort()).toEqual([CAN_ID.LIMITS, CAN_ID.SOC_SOH, CAN_ID.VOLTAGE_CURRENT_TEMPERATURE, CAN_ID.PYLON_PROTECTION, CAN_ID.PYLON_REQUEST, CAN_ID.MANUFACTURER].sort());
    expect(perSecond(g.sent(CAN_ID.PYLON_REQUEST), 1, 3)).toEqual([1, 1]);
    expect(g.sent(CAN_ID.LIMITS).map((f) => g.fields(f).charge_voltage_limit_v)).toEqual([54.1, 54.1]);
    expect(g.fields(g.sent(CAN_ID.MANUFACTURER)[0])).toEqual({ manufacturer: 'PYLON   ' });
  });
});

describe('module switches', () => {
  it('sends nothing while CAN is disabled but keeps computing limits', () => {
    const g = gateway({ config: { can: { enabled: false } } });
    g.run(3000);
    expect(g.can.sent).toEqual([]);
    expect(g.publisher.state).toBe('disabled');
    expect(g.publisher.currentLimits()?.charge_voltage_limit_v).toBe(55.2);
    g.setConfig({ can: { enabled: true } });
    g.run(2000);
    expect(g.sent(CAN_ID.LIMITS).length).toBeGreaterThan(0);
  });

  it('stops sending and listening after stop()', () => {
    const g = gateway();
    g.run(3000);
    g.publisher.stop();
    const stoppedAt = g.clock.now();
    g.run(3000);
    // The last cycle's frames may still leave the driver; nothing newer is built.
    expect(g.can.sent.filter((f) => f.timestamp_ms > stoppedAt + 50)).toEqual([]);
    expect(g.publisher.metrics().state).toBe('stopped');
  });
});
