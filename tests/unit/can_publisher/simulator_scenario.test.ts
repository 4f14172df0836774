/**
 * Closed loop on the virtual clock: the simulated TinyBMS → the real uart_bms poller over the
 * serial link → the event bus → the CAN publisher and driver → the virtual CAN bus. Every 0x351
 * on the bus is checked against the BMS data it was computed from, through the simulator's full
 * 10-minute test cycle and through a simulated day of free-running use at high speed.
 */
import type { Host } from '../../../hosts/host';
import { VirtualCanBus } from '../../../hosts/mocks/can_bus';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { createSerialLink } from '../../../hosts/mocks/serial_link';
import { TinyBmsSimulator, type SimMode } from '../../../hosts/mocks/tinybms';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { CanPublisher } from '../../../modules/can_publisher/publisher';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import { CanVictronDriver } from '../../../modules/can_victron/driver';
import { CAN_ID } from '../../../modules/can_victron/ids';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import type { GatewayConfig } from '../../../modules/config_manager/config_types';
import { createGatewayBus, type ChargeLimits } from '../../../modules/event_bus/events';
import type { GatewayContext } from '../../../modules/gateway/context';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { UartBmsPoller } from '../../../modules/uart_bms/poller';
import { createLogger } from '../../../modules/util/logger';

interface Sample {
  at: number;
  phase: string;
  limits: ChargeLimits | undefined;
  data: LiveData | undefined;
}

interface SentLimits {
  at: number;
  cvl: number;
  ccl: number;
  dcl: number;
}

async function closedLoop(mode: SimMode, speed: number, durationMs: number) {
  const clock = new VirtualClock();
  const link = createSerialLink({ clock });
  const sim = new TinyBmsSimulator({ clock, serial: link.device, mode, speed, seed: 7 });
  const can = new VirtualCanBus({ clock, recordLimit: 1_000_000 });
  const base = defaultConfig();
  // The simulated pack is 280 Ah; its charger pushes 3.55 V per cell, past the 3.50 V protection start.
  const config: GatewayConfig = { ...base, charge: { ...base.charge, capacity_ah: 280 }, bms: { ...base.bms, poll_interval_ms: 250 } };
  const log = { log: () => undefined };
  const host = { clock, log, serial: link.gateway, can, store: new MemoryStore() } as Partial<Host> as Host;
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag) };
  const poller = new UartBmsPoller(ctx);
  const driver = new CanVictronDriver(ctx);
  const publisher = new CanPublisher(ctx, { transmitter: driver });
  const valid: LiveData[] = [];
  bus.subscribe('bms.data', (d) => {
    if (d.data_valid) valid.push(d);
  });
  sim.start();
  poller.start();
  driver.start();
  publisher.start();
  // Set after the publisher's cycle timer, so each sample sees the limits of the cycle just run.
  const samples: Sample[] = [];
  clock.setInterval(1000, () => samples.push({ at: clock.now(), phase: sim.snapshot().phase, limits: publisher.currentLimits(), data: valid.at(-1) }));
  // 10 ms at a time, letting the poller's promise continuations run in between.
  for (let t = 0; t < durationMs; t += 10) {
    clock.advance(10);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const sent: SentLimits[] = can.sent
    .filter((f) => f.id === CAN_ID.LIMITS)
    .map((f) => {
      const r = decodeCanFrame(f.id, f.data);
      if (!r.ok) throw new Error(r.error);
      const v = r.frame.fields as Record<string, number>;
      return { at: f.timestamp_ms, cvl: v.charge_voltage_limit_v, ccl: v.charge_current_limit_a, dcl: v.discharge_current_limit_a };
    });
  return { config, samples, sent, valid, publisher, driver, sim };
}

/** The newest valid snapshot that had arrived `at` (what a frame sent then was built from). */
function dataAt(valid: LiveData[], at: number): LiveData | undefined {
  let found: LiveData | undefined;
  for (const d of valid) if (d.timestamp_ms <= at) found = d;
  return found;
}

function checkEveryFrame(run: Awaited<ReturnType<typeof closedLoop>>): void {
  const c = run.config.charge;
  const n = c.series_cells;
  expect(run.sent.length).toBeGreaterThan(0);
  for (const frame of run.sent) {
    const d = dataAt(run.valid, frame.at);
    expect(d).toBeDefined();
    if (!d) continue;
    // Built from fresh data only.
    expect(frame.at - d.timestamp_ms).toBeLessThanOrEqual(run.config.bms.stale_after_ms + 50);
    expect(frame.cvl).toBeGreaterThanOrEqual((n * c.cell_min_mv) / 1000);
    expect(frame.cvl).toBeLessThanOrEqual((n * c.bulk_cell_mv) / 1000);
    expect(frame.ccl).toBeGreaterThanOrEqual(0);
    expect(frame.ccl).toBeLessThanOrEqual(c.max_charge_current_a);
    expect(frame.dcl).toBeGreaterThanOrEqual(0);
    expect(frame.dcl).toBeLessThanOrEqual(c.max_discharge_current_a);
  }
}

describe('CAN publisher on the simulated TinyBMS', () => {
  it('gives plausible limits through every phase of the 10-minute test cycle', async () => {
    const run = await closedLoop('test', 1, 11 * 60_000);
    const c = run.config.charge;
    expect(new Set(run.samples.map((s) => s.phase))).toEqual(new Set(['discharge', 'idle', 'charge', 'balancing']));
    checkEveryFrame(run);
    expect(run.valid.length).toBeGreaterThan(2000); // ~4 polls a second
    // One 0x351 per second from the first cycle on.
    const perSecond = new Map<number, number>();
    for (const f of run.sent) perSecond.set(Math.floor(f.at / 1000), (perSecond.get(Math.floor(f.at / 1000)) ?? 0) + 1);
    for (let second = 1; second < 660; second++) expect([second, perSecond.get(second)]).toEqual([second, 1]);

    const judged = run.samples.filter((s) => s.limits && s.data);
    for (const { phase, limits, data } of judged) {
      if (!limits || !data) continue;
      // The test cycle keeps the 280 Ah pack above 95 % SOC: held at float, never pushed to bulk.
      expect(data.state_of_charge_pct).toBeGreaterThan(c.float_exit_soc_pct);
      expect(limits.charge_voltage_limit_v).toBe((c.series_cells * c.float_cell_mv) / 1000);
      expect(limits.charge_allowed).toBe(true);
      // Near full, the SOC taper keeps the charge current well below the maximum.
      expect(limits.charge_current_limit_a).toBeLessThan(c.max_charge_current_a / 2);
      if (phase === 'discharge') expect(limits.discharge_current_limit_a).toBe(c.max_discharge_current_a);
      if (data.max_cell_voltage_mv > c.cell_protect_start_mv) expect(limits.reasons).toContain('cell_overvoltage');
    }
    expect(judged.filter((s) => s.phase === 'charge').length).toBeGreaterThan(250);
  }, 120_000);

  it('follows a simulated day of use at 120× speed: bulk, float, paced return to bulk, all limits sane', async () => {
    const run = await closedLoop('realistic', 120, 720_000);
    const c = run.config.charge;
    const phases = new Set(run.samples.map((s) => s.phase));
    expect(phases.has('discharge') && phases.has('charge')).toBe(true);
    checkEveryFrame(run);

    const states = run.samples.map((s) => s.limits?.reasons[0]);
    const firstFloat = states.indexOf('float');
    expect(states.indexOf('bulk')).toBeGreaterThanOrEqual(0);
    expect(firstFloat).toBeGreaterThan(states.indexOf('bulk'));
    expect(states.indexOf('bulk', firstFloat)).toBeGreaterThan(firstFloat);

    for (const { limits, data } of run.samples) {
      if (!limits || !data) continue;
      if (data.max_cell_voltage_mv >= c.cell_max_mv) expect(limits.charge_current_limit_a).toBe(0);
      if (data.max_cell_voltage_mv > c.cell_protect_start_mv) expect(limits.charge_current_limit_a).toBeLessThan(c.max_charge_current_a);
      const comfortable =
        data.min_cell_voltage_mv > c.discharge_protect_start_mv && data.state_of_charge_pct >= 15 && data.max_temperature_c < c.high_temp_discharge_c - 10;
      if (comfortable) expect(limits.discharge_current_limit_a).toBe(c.max_discharge_current_a);
    }

    // CVL rises (float → bulk) in steps of at most 0.4 V, at least cvl_min_interval_s apart.
    let lastRise = -Infinity;
    for (let i = 1; i < run.sent.length; i++) {
      const rise = run.sent[i].cvl - run.sent[i - 1].cvl;
      if (rise <= 0) continue;
      expect(rise).toBeLessThanOrEqual(0.4 + 1e-9);
      expect(run.sent[i].at - lastRise).toBeGreaterThanOrEqual(c.cvl_min_interval_s * 1000 - 50);
      lastRise = run.sent[i].at;
    }
    expect(lastRise).toBeGreaterThan(0);
  }, 120_000);
});
