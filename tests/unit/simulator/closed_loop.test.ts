/**
 * Closed loop on the virtual clock: the gateway's real uart_bms poller talks to the simulated
 * TinyBMS over the in-memory serial link. What the gateway publishes must be what the simulated
 * battery is doing, including after the wake-up, a settings write, silence and line noise.
 */
import type { Host } from '../../../hosts/host';
import type { LiveData } from '../../../modules/uart_bms';
import { UartBmsPoller } from '../../../modules/uart_bms/poller';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import { createGatewayBus } from '../../../modules/event_bus/events';
import type { GatewayContext } from '../../../modules/gateway/context';
import { createLogger } from '../../../modules/util/logger';
import { REG, STATUS } from '../../../hosts/mocks/tinybms';
import { createHarness, type Harness } from './support';

interface Loop {
  h: Harness;
  poller: UartBmsPoller;
  data: LiveData[];
  links: { online: boolean; reason: string }[];
  run(ms: number): Promise<void>;
}

function closedLoop(options: Parameters<typeof createHarness>[0]): Loop {
  const h = createHarness(options);
  const bus = createGatewayBus({ defer: (fn) => h.clock.setTimer(0, fn), queueCapacity: 256 });
  const base = defaultConfig();
  const config = { ...base, bms: { ...base.bms, poll_interval_ms: 1000, response_timeout_ms: 200, retries: 2 } };
  const log = { log: () => undefined };
  const host = { clock: h.clock, log, serial: h.link.gateway } as Partial<Host> as Host;
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag) };
  const data: LiveData[] = [];
  const links: Loop['links'] = [];
  bus.subscribe('bms.data', (d) => data.push(d));
  bus.subscribe('bms.link', (l) => links.push(l));
  const poller = new UartBmsPoller(ctx);
  return {
    h,
    poller,
    data,
    links,
    async run(ms) {
      // 1 ms at a time, letting the poller's promise continuations run in between.
      for (let elapsed = 0; elapsed < ms; elapsed++) {
        h.clock.advance(1);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

describe('gateway poller ↔ simulated TinyBMS', () => {
  it('wakes the sleeping BMS and publishes exactly what its registers hold', async () => {
    const loop = closedLoop({ mode: 'test', startAsleep: true });
    loop.h.sim.start();
    loop.poller.start();
    await loop.run(3500);
    expect(loop.h.sim.device.counters.wakeUps).toBe(1);
    const fresh = loop.data.filter((d) => d.data_valid);
    expect(fresh.length).toBeGreaterThanOrEqual(2);
    const last = fresh[fresh.length - 1];
    const regs = loop.h.sim.registers;
    expect(last.cell_count).toBe(16);
    expect(last.online_status_code).toBe(STATUS.DISCHARGING);
    expect(last.pack_current_a).toBe(-40);
    // Registers move every 100 ms; the poll is at most one tick old.
    expect(Math.abs(last.state_of_charge_pct - regs.readUint32(REG.SOC_U32) / 1e6)).toBeLessThan(0.01);
    expect(Math.abs(last.pack_voltage_v - regs.readFloat32(REG.PACK_VOLTAGE_F32))).toBeLessThan(0.05);
    expect(last.cell_voltage_mv).toHaveLength(16);
    expect(Math.abs(last.max_cell_voltage_mv - regs.read(REG.MAX_CELL_MV))).toBeLessThanOrEqual(2);
    expect(loop.links[loop.links.length - 1]).toMatchObject({ online: true });
    loop.poller.stop();
  });

  it('a settings write through the poller lands in the simulated BMS and reads back', async () => {
    const loop = closedLoop({ mode: 'test' });
    loop.poller.start();
    await loop.run(100);
    let written: number[] | undefined;
    loop.poller.writeRegisters(315, [3700]).then((v) => (written = v));
    await loop.run(500);
    expect(written).toEqual([3700]);
    expect(loop.h.sim.registers.read(315)).toBe(3700);
    loop.poller.stop();
  });

  it('BMS silence makes the gateway mark the data stale; it recovers when the BMS answers again', async () => {
    const loop = closedLoop({ mode: 'test' });
    loop.h.sim.start();
    loop.poller.start();
    await loop.run(1500);
    expect(loop.data.some((d) => d.data_valid)).toBe(true);
    loop.h.sim.injectFault({ kind: 'bms_silence', durationS: 3 });
    const before = loop.data.length;
    await loop.run(2500);
    const during = loop.data.slice(before);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((d) => !d.data_valid)).toBe(true);
    await loop.run(3000);
    expect(loop.data[loop.data.length - 1].data_valid).toBe(true);
    loop.poller.stop();
  });

  it('under line noise every value the gateway accepts is a true register value', async () => {
    const loop = closedLoop({ mode: 'test' });
    loop.h.sim.start();
    loop.h.sim.setSpeed(1e-3); // hold the battery still so each accepted poll can be compared exactly
    loop.h.sim.injectFault({ kind: 'uart_noise', rate: 0.5 });
    loop.poller.start();
    await loop.run(20_000);
    const fresh = loop.data.filter((d) => d.data_valid);
    expect(loop.h.sim.device.counters.corruptedReplies).toBeGreaterThan(3);
    expect(fresh.length).toBeGreaterThan(3);
    const regs = loop.h.sim.registers;
    for (const d of fresh) {
      expect(d.cell_count).toBe(16);
      expect(d.online_status_code).toBe(regs.read(REG.ONLINE_STATUS));
      expect(d.min_cell_voltage_mv).toBe(regs.read(REG.MIN_CELL_MV));
      expect(d.pack_current_a).toBe(regs.readFloat32(REG.PACK_CURRENT_F32));
    }
    loop.poller.stop();
  });
});
