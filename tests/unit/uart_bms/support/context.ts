/** A GatewayContext on the virtual clock with a FakeBms as the serial port; records bus events and logs. */
import type { Host } from '../../../../hosts/host';
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import type { LogLevel } from '../../../../hosts/ports/log';
import { defaultConfig } from '../../../../modules/config_manager/config_manager';
import type { BmsConfig, GatewayConfig } from '../../../../modules/config_manager/config_types';
import { createGatewayBus, type GatewayEvents } from '../../../../modules/event_bus/events';
import type { GatewayContext } from '../../../../modules/gateway/context';
import { createLogger } from '../../../../modules/util/logger';
import { clarkRegisters } from './clark';
import { FakeBms } from './fake_bms';

export interface PollerTestContext {
  ctx: GatewayContext;
  clock: VirtualClock;
  bms: FakeBms;
  logs: { level: LogLevel; message: string }[];
  events: <K extends keyof GatewayEvents>(name: K) => GatewayEvents[K][];
  setBmsConfig(patch: Partial<BmsConfig>): void;
  /** Moves virtual time forward 1 ms at a time, letting promise continuations run in between. */
  run(ms: number): Promise<void>;
}

export function createPollerContext(bmsConfig: Partial<BmsConfig> = {}): PollerTestContext {
  const clock = new VirtualClock();
  const bms = new FakeBms(clock, clarkRegisters());
  const logs: PollerTestContext['logs'] = [];
  const log = { log: (level: LogLevel, _tag: string, message: string) => logs.push({ level, message }) };
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn), queueCapacity: 256 });
  const seen: { name: keyof GatewayEvents; payload: unknown }[] = [];
  for (const name of ['bms.data', 'bms.link', 'uart.frame'] as const) bus.subscribe(name, (payload) => seen.push({ name, payload }));
  let config: GatewayConfig = defaultConfig();
  config = { ...config, bms: { ...config.bms, poll_interval_ms: 1000, response_timeout_ms: 100, retries: 2, ...bmsConfig } };
  // Only the ports the poller uses; the rest would be a lie.
  const host = { clock, log, serial: bms } as Partial<Host> as Host;
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag, () => 'debug') };
  return {
    ctx,
    clock,
    bms,
    logs,
    events: (name) => seen.filter((e) => e.name === name).map((e) => e.payload) as never,
    async run(ms) {
      for (let elapsed = 0; elapsed < ms; elapsed++) {
        clock.advance(1);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    setBmsConfig(patch) {
      const before = config.bms;
      config = { ...config, bms: { ...before, ...patch } };
      const changed = Object.keys(patch).map((key) => `bms.${key}`);
      bus.publish('config.updated', { config, changed });
    },
  };
}
