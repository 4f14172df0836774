/** A GatewayContext on the virtual clock for MQTT tests: real bus, real config defaults, fake transport. */
import type { Host } from '../../../../hosts/host';
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import type { LogLevel } from '../../../../hosts/ports/log';
import { defaultConfig } from '../../../../modules/config_manager/config_manager';
import type { GatewayConfig, MqttConfig } from '../../../../modules/config_manager/config_types';
import { createGatewayBus, type GatewayBus, type GatewayEventName, type GatewayEvents } from '../../../../modules/event_bus/events';
import type { GatewayContext } from '../../../../modules/gateway/context';
import { createLogger } from '../../../../modules/util/logger';
import { FakeMqttTransport } from './fake_transport';

export interface TestContext {
  ctx: GatewayContext;
  clock: VirtualClock;
  bus: GatewayBus;
  transport: FakeMqttTransport;
  logs: { level: LogLevel; tag: string; message: string }[];
  /** Every bus event, in delivery order. */
  events: { name: GatewayEventName; payload: unknown }[];
  /** Replace part of the mqtt section and announce it as config_manager would. */
  updateMqtt(patch: Partial<MqttConfig>): void;
  setConfig(config: GatewayConfig, changed: string[]): void;
}

const WATCHED: GatewayEventName[] = ['mqtt.connected', 'mqtt.disconnected'];

export function createTestContext(mqtt: Partial<MqttConfig> = {}, options: { withTransport?: boolean } = {}): TestContext {
  const clock = new VirtualClock(1_000_000);
  const transport = new FakeMqttTransport(clock);
  const logs: TestContext['logs'] = [];
  const log = { log: (level: LogLevel, tag: string, message: string) => logs.push({ level, tag, message }) };
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const base = defaultConfig();
  let config: GatewayConfig = { ...base, mqtt: { ...base.mqtt, enabled: true, broker_uri: 'mqtt://127.0.0.1:1883', ...mqtt } };
  // Only the ports MQTT uses exist; anything else would throw at once if touched.
  const host = {
    clock,
    log,
    mqtt: options.withTransport === false ? undefined : transport,
    system: { platform: 'node', firmwareVersion: '1.2.3-test', restart() {}, heap: () => ({ freeBytes: 1, totalBytes: 1 }), uptimeMs: () => clock.now() },
  } as unknown as Host;
  const events: TestContext['events'] = [];
  for (const name of WATCHED) bus.subscribe(name, (payload) => events.push({ name, payload }));
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag, () => 'debug') };
  const setConfig = (next: GatewayConfig, changed: string[]) => {
    config = next;
    bus.publish('config.updated', { config: next, changed });
  };
  return {
    ctx,
    clock,
    bus,
    transport,
    logs,
    events,
    setConfig,
    updateMqtt: (patch) => setConfig({ ...config, mqtt: { ...config.mqtt, ...patch } }, Object.keys(patch).map((key) => `mqtt.${key}`)),
  };
}

/** Payload type helper for assertions on recorded events. */
export function eventsNamed<K extends GatewayEventName>(events: TestContext['events'], name: K): GatewayEvents[K][] {
  return events.filter((e) => e.name === name).map((e) => e.payload as GatewayEvents[K]);
}
