/**
 * GatewayContexts for MQTT tests: real bus, real config defaults, and either the virtual clock
 * with the scripted transport (unit tests) or any clock and transport (integration tests).
 */
import type { Host } from '../../../../hosts/host';
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import type { ClockPort } from '../../../../hosts/ports/clock';
import type { LogLevel } from '../../../../hosts/ports/log';
import type { MqttPort } from '../../../../hosts/ports/mqtt';
import { defaultConfig } from '../../../../modules/config_manager/config_manager';
import type { GatewayConfig, MqttConfig } from '../../../../modules/config_manager/config_types';
import { createGatewayBus, type GatewayBus, type GatewayEventName, type GatewayEvents } from '../../../../modules/event_bus/events';
import type { GatewayContext } from '../../../../modules/gateway/context';
import { createLogger } from '../../../../modules/util/logger';
import { FakeMqttTransport } from './fake_transport';

export interface MqttContext {
  ctx: GatewayContext;
  bus: GatewayBus;
  logs: { level: LogLevel; tag: string; message: string }[];
  /** Every mqtt.connected / mqtt.disconnected event, in delivery order. */
  events: { name: GatewayEventName; payload: unknown }[];
  /** Replace part of the mqtt section and announce it as config_manager would. */
  updateMqtt(patch: Partial<MqttConfig>): void;
}

export interface TestContext extends MqttContext {
  clock: VirtualClock;
  transport: FakeMqttTransport;
}

const WATCHED: GatewayEventName[] = ['mqtt.connected', 'mqtt.disconnected'];

export function buildMqttContext(clock: ClockPort, transport: MqttPort | undefined, mqtt: Partial<MqttConfig> = {}): MqttContext {
  const logs: MqttContext['logs'] = [];
  const log = { log: (level: LogLevel, tag: string, message: string) => logs.push({ level, tag, message }) };
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const base = defaultConfig();
  let config: GatewayConfig = { ...base, mqtt: { ...base.mqtt, enabled: true, broker_uri: 'mqtt://127.0.0.1:1883', ...mqtt } };
  // Only the ports MQTT uses exist; anything else would throw at once if touched.
  const host = {
    clock,
    log,
    mqtt: transport,
    system: { platform: 'node', firmwareVersion: '1.2.3-test', restart() {}, heap: () => ({ freeBytes: 1, totalBytes: 1 }), uptimeMs: () => clock.now() },
  } as unknown as Host;
  const events: MqttContext['events'] = [];
  for (const name of WATCHED) bus.subscribe(name, (payload) => events.push({ name, payload }));
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag, () => 'debug') };
  const updateMqtt = (patch: Partial<MqttConfig>) => {
    config = { ...config, mqtt: { ...config.mqtt, ...patch } };
    bus.publish('config.updated', { config, changed: Object.keys(patch).map((key) => `mqtt.${key}`) });
  };
  return { ctx, bus, logs, events, updateMqtt };
}

export function createTestContext(mqtt: Partial<MqttConfig> = {}, options: { withTransport?: boolean } = {}): TestContext {
  const clock = new VirtualClock(1_000_000);
  const transport = new FakeMqttTransport(clock);
  return { ...buildMqttContext(clock, options.withTransport === false ? undefined : transport, mqtt), clock, transport };
}

/** Payload type helper for assertions on recorded events. */
export function eventsNamed<K extends GatewayEventName>(events: MqttContext['events'], name: K): GatewayEvents[K][] {
  return events.filter((e) => e.name === name).map((e) => e.payload as GatewayEvents[K]);
}
