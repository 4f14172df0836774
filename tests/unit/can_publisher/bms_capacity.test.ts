/**
 * 0x35F/0x379 announce the capacity the BMS itself works with (register 306) once it has been read
 * over the real UART link from the simulated TinyBMS; the configured charge.capacity_ah stands in
 * before that, when the BMS never answers, or when the register holds nonsense.
 */
import { VirtualCanBus } from '../../../hosts/mocks/can_bus';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { createSerialLink } from '../../../hosts/mocks/serial_link';
import { TinyBmsSimulator } from '../../../hosts/mocks/tinybms';
import { CAPACITY_READ_RETRY_MS, capacityFromSettings } from '../../../modules/can_publisher/bms_capacity';
import { CanPublisher } from '../../../modules/can_publisher/publisher';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import { CanVictronDriver } from '../../../modules/can_victron/driver';
import { CAN_ID } from '../../../modules/can_victron/ids';
import { UartBmsPoller } from '../../../modules/uart_bms/poller';
import { makeTestBed } from '../can_victron/test_context';
import { createPollerContext } from '../uart_bms/support/context';

function rig(options: { configuredAh?: number; bmsRaw?: number; silent?: boolean } = {}) {
  const bed = makeTestBed({ config: { charge: { capacity_ah: options.configuredAh ?? 100 }, bms: { poll_interval_ms: 500 } } });
  const link = createSerialLink({ clock: bed.clock });
  (bed.ctx.host as { serial: unknown }).serial = link.gateway;
  const sim = new TinyBmsSimulator({ clock: bed.clock, serial: link.device, mode: 'test', seed: 3 });
  if (options.bmsRaw !== undefined) sim.registers.setWord(306, options.bmsRaw);
  if (options.silent) expect(sim.injectFault({ kind: 'bms_silence' }).ok).toBe(true);
  const poller = new UartBmsPoller(bed.ctx);
  const driver = new CanVictronDriver(bed.ctx);
  const publisher = new CanPublisher(bed.ctx, { transmitter: driver, settingsReader: poller });
  sim.start();
  poller.start();
  driver.start();
  publisher.start();
  const field = (id: number, name: string) => {
    const frame = bed.can.sent.filter((f) => f.id === id).at(-1);
    if (!frame) return undefined;
    const decoded = decodeCanFrame(frame.id, frame.data);
    if (!decoded.ok) throw new Error(decoded.error);
    return decoded.frame.fields[name];
  };
  /** Moves virtual time 10 ms at a time, letting promise continuations (the poller's answers) run. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      bed.clock.advance(10);
      await Promise.resolve();
      await Promise.resolve();
    }
  };
  return { ...bed, sim, poller, publisher, field, run };
}

describe('capacityFromSettings', () => {
  it('reads register 306 in 0.01 Ah from a block that holds it, and refuses values outside 0.1–655 Ah', () => {
    expect(capacityFromSettings(306, [28000])).toBe(280);
    expect(capacityFromSettings(300, [0, 0, 0, 0, 0, 0, 31450])).toBe(314.5);
    expect(capacityFromSettings(307, [16])).toBeUndefined();
    expect(capacityFromSettings(306, [9])).toBeUndefined();
    expect(capacityFromSettings(306, [65501])).toBeUndefined();
    expect(capacityFromSettings(306, [10])).toBe(0.1);
  });
});

describe('announced capacity', () => {
  it('is the configured one until the BMS answers, then the BMS’s own in 0x35F and 0x379', async () => {
    const g = rig({ configuredAh: 100, bmsRaw: 28000 });
    expect(g.publisher.metrics()).toMatchObject({ capacity_ah: 100, capacity_source: 'config' });
    await g.run(12_000);
    expect(g.field(CAN_ID.INSTALLED_CAPACITY, 'installed_capacity_ah')).toBe(280);
    expect(g.field(CAN_ID.BATTERY_INFO, 'online_capacity_ah')).toBe(280);
    expect(g.publisher.metrics()).toMatchObject({ capacity_ah: 280, capacity_source: 'bms', capacity_reads: 1, capacity_read_failures: 0 });
    expect(g.logs.some((l) => l.message === 'installed capacity from the BMS: 280 Ah (register 306)')).toBe(true);
  });

  it('follows a capacity written through the poller (the web register editor)', async () => {
    const g = rig({ bmsRaw: 28000 });
    await g.run(2_000);
    const written = g.poller.writeRegisters(306, [15050]);
    await g.run(1_000);
    await expect(written).resolves.toEqual([15050]);
    await g.run(10_000);
    expect(g.field(CAN_ID.INSTALLED_CAPACITY, 'installed_capacity_ah')).toBe(151);
    expect(g.publisher.metrics()).toMatchObject({ capacity_ah: 150.5, capacity_source: 'bms' });
  });

  it('keeps the configured capacity while the BMS is silent, and reads it once the link comes up', async () => {
    const g = rig({ configuredAh: 120, bmsRaw: 28000, silent: true });
    await g.run(12_000);
    expect(g.field(CAN_ID.INSTALLED_CAPACITY, 'installed_capacity_ah')).toBe(120);
    expect(g.publisher.metrics()).toMatchObject({ capacity_source: 'config', capacity_reads: 0 });
    g.sim.clearFaults();
    await g.run(11_000);
    expect(g.field(CAN_ID.INSTALLED_CAPACITY, 'installed_capacity_ah')).toBe(280);
  });

  it('ignores a register value outside the TinyBMS range and keeps announcing the configured one', async () => {
    const g = rig({ configuredAh: 120, bmsRaw: 0 });
    await g.run(12_000);
    expect(g.field(CAN_ID.INSTALLED_CAPACITY, 'installed_capacity_ah')).toBe(120);
    expect(g.publisher.metrics()).toMatchObject({ capacity_source: 'config', capacity_rejected: 1 });
  });

  it('retries a refused read a minute later while the link stays up', async () => {
    // A scripted BMS (the simulator never refuses register 306): it answers the first poll,
    // refuses the capacity read behind it with a NACK, and answers everything after.
    const t = createPollerContext({ poll_interval_ms: 1000 });
    t.bms.registers.set(306, 31400);
    t.bms.script = [{ type: 'answer' }, { type: 'nack', errorCode: 0 }];
    const host = t.ctx.host as { can: unknown; store: unknown };
    host.can = new VirtualCanBus({ clock: t.clock });
    host.store = new MemoryStore();
    const poller = new UartBmsPoller(t.ctx);
    const publisher = new CanPublisher(t.ctx, { transmitter: new CanVictronDriver(t.ctx), settingsReader: poller });
    poller.start();
    publisher.start();
    await t.run(5_000);
    expect(t.events('bms.link').map((l) => l.online)).toEqual([true]);
    expect(publisher.metrics()).toMatchObject({ capacity_ah: 100, capacity_source: 'config', capacity_reads: 1, capacity_read_failures: 1 });
    expect(t.logs.some((l) => l.level === 'warn' && l.message.startsWith('capacity register 306 not read'))).toBe(true);
    await t.run(CAPACITY_READ_RETRY_MS);
    expect(publisher.metrics()).toMatchObject({ capacity_ah: 314, capacity_source: 'bms', capacity_reads: 2, capacity_read_failures: 1 });
    expect(t.events('bms.link').map((l) => l.online)).toEqual([true]);
    publisher.stop();
    poller.stop();
  });
});
