/**
 * Every fault kind the simulator can inject (FAULT_CATALOG, what POST /api/sim/faults takes),
 * through the whole chain on the virtual clock: simulated TinyBMS → uart_bms poller (live data,
 * cut-offs 315–320, serial, event log 0x12/0x11) → CAN publisher → virtual CAN bus. Checks the
 * 0x351 a GX would obey after each fault, and its "Why".
 */
import type { Host } from '../../../hosts/host';
import { VirtualCanBus } from '../../../hosts/mocks/can_bus';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { createSerialLink } from '../../../hosts/mocks/serial_link';
import { FAULT_KINDS, TinyBmsSimulator, type FaultKind } from '../../../hosts/mocks/tinybms';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { CanPublisher } from '../../../modules/can_publisher/publisher';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import { CanVictronDriver } from '../../../modules/can_victron/driver';
import { CAN_ID } from '../../../modules/can_victron/ids';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import { createGatewayBus } from '../../../modules/event_bus/events';
import type { GatewayContext } from '../../../modules/gateway/context';
import { UartBmsPoller } from '../../../modules/uart_bms/poller';
import { createLogger } from '../../../modules/util/logger';

async function withFault(spec: Record<string, unknown> | undefined) {
  const clock = new VirtualClock();
  const link = createSerialLink({ clock });
  // Test mode: the pack discharges at 40 A for its first minutes.
  const sim = new TinyBmsSimulator({ clock, serial: link.device, mode: 'test', seed: 3, sleepAfterS: 0 });
  const can = new VirtualCanBus({ clock, recordLimit: 100_000 });
  const base = defaultConfig();
  const config = { ...base, charge: { ...base.charge, ccl_ramp_a_per_s: 1000, recovery_charge_current_a: 8 } };
  const log = { log: () => undefined };
  const host = { clock, log, serial: link.gateway, can, store: new MemoryStore() } as Partial<Host> as Host;
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag) };
  const poller = new UartBmsPoller(ctx);
  const driver = new CanVictronDriver(ctx);
  const publisher = new CanPublisher(ctx, { transmitter: driver, settingsReader: poller });
  sim.start();
  poller.start();
  driver.start();
  publisher.start();
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 20) {
      clock.advance(20);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await run(15_000);
  const before = publisher.currentLimits();
  if (spec) expect(sim.injectFault(spec)).toMatchObject({ ok: true });
  await run(12_000);
  const limitsFrames = can.sent.filter((f) => f.id === CAN_ID.LIMITS && f.timestamp_ms > clock.now() - 3000);
  const last = limitsFrames.at(-1);
  const fields = last ? (decodeCanFrame(last.id, last.data) as { ok: true; frame: { fields: Record<string, number> } }).frame.fields : undefined;
  const serial = can.sent.filter((f) => f.id === CAN_ID.SERIAL_NUMBER_1 || f.id === CAN_ID.SERIAL_NUMBER_2);
  const limits = publisher.currentLimits();
  for (const m of [publisher, driver, poller]) m.stop();
  sim.stop();
  return { before, limits, fields, serial, metrics: publisher.metrics() };
}

type Expectation = { ccl: 'zero' | 'positive' | number; dcl: 'zero' | 'positive'; why?: { ccl?: string; dcl?: string }; reason?: string; sent?: boolean };

const EXPECTED: Record<FaultKind, { spec: Record<string, unknown>; expect: Expectation }> = {
  cell_overvoltage: { spec: { kind: 'cell_overvoltage', cell: 5 }, expect: { ccl: 'zero', dcl: 'positive', reason: 'bms_fault_over_voltage' } },
  cell_undervoltage: { spec: { kind: 'cell_undervoltage', cell: 5 }, expect: { ccl: 8, dcl: 'zero', reason: 'bms_fault_under_voltage', why: { ccl: 'bms_fault_under_voltage' } } },
  temp_sensor_failure: { spec: { kind: 'temp_sensor_failure', sensor: 'all_external' }, expect: { ccl: 'zero', dcl: 'positive', why: { ccl: 'no_cell_temperature' } } },
  over_temperature: { spec: { kind: 'over_temperature' }, expect: { ccl: 'zero', dcl: 'zero', reason: 'bms_fault_over_temperature' } },
  under_temperature: { spec: { kind: 'under_temperature' }, expect: { ccl: 'zero', dcl: 'zero', reason: 'bms_fault_low_temperature' } },
  charge_over_current: { spec: { kind: 'charge_over_current' }, expect: { ccl: 'zero', dcl: 'positive', reason: 'bms_fault_charge_over_current' } },
  discharge_over_current: { spec: { kind: 'discharge_over_current' }, expect: { ccl: 'positive', dcl: 'zero', reason: 'bms_fault_discharge_over_current' } },
  switch_error: { spec: { kind: 'switch_error' }, expect: { ccl: 'zero', dcl: 'zero', reason: 'bms_fault_switch_error' } },
  current_sensor_lost: { spec: { kind: 'current_sensor_lost' }, expect: { ccl: 'zero', dcl: 'zero', reason: 'bms_fault_current_sensor' } },
  unexplained_fault: { spec: { kind: 'unexplained_fault' }, expect: { ccl: 'zero', dcl: 'zero', reason: 'bms_fault_unknown' } },
  bms_silence: { spec: { kind: 'bms_silence' }, expect: { ccl: 'zero', dcl: 'zero', sent: false } },
  uart_noise: { spec: { kind: 'uart_noise', rate: 0.2 }, expect: { ccl: 'positive', dcl: 'positive' } },
};

describe('each simulator fault kind, end to end', () => {
  it('has an expectation for every kind the simulator lists', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...FAULT_KINDS].sort());
  });

  it('bounds the nominal limits by the simulated BMS cut-offs and sends its serial in 0x380/0x381', async () => {
    const r = await withFault(undefined);
    // Simulated TinyBMS: charge over-current cut-off 60 A → CCL 54 A; discharge 150 A → DCL 135 A.
    // (The test pack starts near full, so the SOC taper holds CCL lower still.)
    expect(r.fields?.charge_current_limit_a).toBeLessThanOrEqual(54);
    expect(r.fields?.discharge_current_limit_a).toBe(135);
    expect(r.limits?.limiting?.dcl).toBe('bms_discharge_overcurrent_cutoff');
    expect(r.limits?.bms_bounds).toEqual(expect.arrayContaining(['bms_charge_overcurrent_cutoff', 'bms_discharge_overcurrent_cutoff']));
    expect(r.metrics.bms_serial).toBe('NTMB-SMI0010');
    expect(r.serial.map((f) => String.fromCharCode(...f.data.filter((b) => b !== 0))).slice(0, 2).sort()).toEqual(['0010', 'NTMB-SMI']);
  }, 60_000);

  it.each(FAULT_KINDS.map((kind) => [kind]))('%s', async (kind) => {
    const { spec, expect: e } = EXPECTED[kind];
    const r = await withFault(spec);
    if (e.sent === false) {
      expect(r.fields).toBeUndefined();
      expect(r.limits?.charge_allowed).toBe(false);
      return;
    }
    expect(r.fields).toBeDefined();
    const ccl = r.fields!.charge_current_limit_a;
    const dcl = r.fields!.discharge_current_limit_a;
    if (e.ccl === 'zero') expect(ccl).toBe(0);
    else if (e.ccl === 'positive') expect(ccl).toBeGreaterThan(0);
    else expect(ccl).toBe(e.ccl);
    if (e.dcl === 'zero') expect(dcl).toBe(0);
    else expect(dcl).toBeGreaterThan(0);
    if (e.reason) expect(r.limits?.reasons).toContain(e.reason);
    if (e.why?.ccl) expect(r.limits?.limiting?.ccl).toBe(e.why.ccl);
    if (e.why?.dcl) expect(r.limits?.limiting?.dcl).toBe(e.why.dcl);
  }, 60_000);
});
