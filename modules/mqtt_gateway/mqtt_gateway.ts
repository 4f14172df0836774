/**
 * What the gateway says over MQTT: 1 s value topics and 5 s status (only from fresh, valid BMS
 * data), alerts at QoS 1, availability, active alarms, charge limits and Home Assistant discovery.
 * It never touches a socket: everything goes through the client's publish().
 *
 * Stale data: when 'bms.data' is invalid or older than bms.stale_after_ms, value topics are not
 * published and `<prefix>/bms/availability` turns `offline`, so HA shows the battery entities as
 * unavailable instead of frozen numbers. `<prefix>/availability` stays `online`: the gateway is up.
 */
import type { TimerHandle } from '../../hosts/ports/clock';
import type { MqttPublishOptions } from '../../hosts/ports/mqtt';
import type { Alert, AlertCode } from '../alert_manager/alert';
import type { ChargeLimits } from '../event_bus/events';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import type { PublishOutcome } from '../mqtt_client/mqtt_client';
import type { LiveData } from '../uart_bms/live_data';
import type { Logger } from '../util/logger';
import { discoveryMessages, MAX_CELL_ENTITIES, nodeIdFrom } from './discovery';
import { alarmsPayload, alertPayload, cellsPayload, isFresh, limitsPayload, statusPayload, valueMessages } from './payloads';
import { gatewayTopics, OFFLINE, ONLINE, type GatewayTopics } from './topics';

/** The part of mqtt_client the gateway needs. */
export interface MqttPublisher {
  readonly connected: boolean;
  publish(topic: string, payload: string, options: MqttPublishOptions): PublishOutcome;
  subscribe?(topic: string, handler: (payload: Uint8Array) => void): () => void;
}

/** HA publishes this word on <discovery_prefix>/status when it (re)starts. */
const HA_ONLINE = [0x6f, 0x6e, 0x6c, 0x69, 0x6e, 0x65]; // "online"

function isHaOnline(payload: Uint8Array): boolean {
  return payload.length === HA_ONLINE.length && HA_ONLINE.every((byte, i) => payload[i] === byte);
}

export interface MqttGatewayOptions {
  valuePeriodMs?: number;
  statusPeriodMs?: number;
}

const RETAINED: MqttPublishOptions = { qos: 0, retain: true };
const ALERT: MqttPublishOptions = { qos: 1, retain: false };

export class MqttGateway implements GatewayModule {
  readonly name = 'mqtt_gateway';
  #ctx: GatewayContext;
  #client: MqttPublisher;
  #log: Logger;
  #valuePeriodMs: number;
  #statusPeriodMs: number;
  #timers: TimerHandle[] = [];
  #unsubscribes: (() => void)[] = [];
  #stopWatchingHomeAssistant: (() => void) | undefined;
  #haRestarts = 0;
  #latest: LiveData | undefined;
  #limits: ChargeLimits | undefined;
  #active = new Map<AlertCode, Alert>();
  /** What the broker holds for us: the bms availability word and the discovery configs sent. */
  #bmsAvailability: string | undefined;
  #announced = new Set<string>();
  #announcedCells = 0;
  #counters = { valueRounds: 0, statusRounds: 0, staleSkips: 0, alertsSent: 0, alertsQueued: 0, alertsNotSent: 0, discoveryMessages: 0 };

  constructor(ctx: GatewayContext, client: MqttPublisher, options: MqttGatewayOptions = {}) {
    this.#ctx = ctx;
    this.#client = client;
    this.#log = ctx.logger('mqtt_gateway');
    this.#valuePeriodMs = options.valuePeriodMs ?? 1000;
    this.#statusPeriodMs = options.statusPeriodMs ?? 5000;
  }

  start(): void {
    if (this.#timers.length > 0) return;
    const bus = this.#ctx.bus;
    this.#unsubscribes = [
      bus.subscribe('bms.data', (data) => this.#onData(data)),
      bus.subscribe('charge.limits', (limits) => this.#onLimits(limits)),
      bus.subscribe('alert.raised', (alert) => this.#onAlertRaised(alert)),
      bus.subscribe('alert.cleared', (alert) => this.#onAlertCleared(alert)),
      bus.subscribe('mqtt.connected', () => this.#onConnected()),
      bus.subscribe('config.updated', ({ changed }) => {
        if (!changed.some((path) => path.startsWith('mqtt.discovery_'))) return;
        this.#watchHomeAssistant();
        this.#announce();
      }),
    ];
    this.#watchHomeAssistant();
    const clock = this.#ctx.host.clock;
    this.#timers = [clock.setInterval(this.#valuePeriodMs, () => this.#publishValues()), clock.setInterval(this.#statusPeriodMs, () => this.#publishStatus())];
  }

  stop(): void {
    this.#stopWatchingHomeAssistant?.();
    this.#stopWatchingHomeAssistant = undefined;
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    for (const timer of this.#timers) this.#ctx.host.clock.clear(timer);
    this.#unsubscribes = [];
    this.#timers = [];
  }

  metrics(): ModuleMetrics {
    return {
      value_rounds_total: this.#counters.valueRounds,
      status_rounds_total: this.#counters.statusRounds,
      stale_skips_total: this.#counters.staleSkips,
      alerts_sent_total: this.#counters.alertsSent,
      alerts_queued_total: this.#counters.alertsQueued,
      alerts_not_sent_total: this.#counters.alertsNotSent,
      discovery_messages_total: this.#counters.discoveryMessages,
      home_assistant_restarts_total: this.#haRestarts,
      battery_data_fresh: this.#freshData() !== undefined,
      active_alarms: this.#active.size,
    };
  }

  get #topics(): GatewayTopics {
    return gatewayTopics(this.#ctx.config().mqtt.topic_prefix);
  }

  #freshData(): LiveData | undefined {
    const latest = this.#latest;
    return isFresh(latest, this.#ctx.host.clock.now(), this.#ctx.config().bms.stale_after_ms) ? latest : undefined;
  }

  /** Re-announce when Home Assistant restarts (its birth message), as HA recommends. */
  #watchHomeAssistant(): void {
    this.#stopWatchingHomeAssistant?.();
    this.#stopWatchingHomeAssistant = undefined;
    const mqtt = this.#ctx.config().mqtt;
    if (!mqtt.discovery_enabled || !this.#client.subscribe) return;
    this.#stopWatchingHomeAssistant = this.#client.subscribe(`${mqtt.discovery_prefix}/status`, (payload) => {
      if (!isHaOnline(payload)) return;
      this.#haRestarts++;
      this.#announce();
    });
  }

  #onConnected(): void {
    if (!this.#client.connected) return;
    const topics = this.#topics;
    this.#client.publish(topics.availability, ONLINE, RETAINED);
    // A restarted broker may have lost retained messages: say everything again.
    this.#bmsAvailability = undefined;
    this.#announce();
    this.#client.publish(topics.alarms, alarmsPayload([...this.#active.values()]), RETAINED);
    if (this.#limits) this.#client.publish(topics.limits, limitsPayload(this.#limits), RETAINED);
    this.#publishValues();
    this.#publishStatus();
  }

  #onData(data: LiveData): void {
    this.#latest = data;
    this.#updateBmsAvailability();
    if (data.data_valid && this.#client.connected && this.#cellCount() !== this.#announcedCells) this.#announce();
  }

  #onLimits(limits: ChargeLimits): void {
    const previous = this.#limits && limitsPayload(this.#limits);
    this.#limits = limits;
    const payload = limitsPayload(limits);
    if (payload !== previous && this.#client.connected) this.#client.publish(this.#topics.limits, payload, RETAINED);
  }

  #onAlertRaised(alert: Alert): void {
    this.#active.set(alert.code, alert);
    // QoS 1: queued by the client while offline, so an alert is lost only by counted overflow.
    const outcome = this.#client.publish(this.#topics.alerts, alertPayload(alert), ALERT);
    if (outcome === 'sent') this.#counters.alertsSent++;
    else if (outcome === 'queued') this.#counters.alertsQueued++;
    else this.#counters.alertsNotSent++;
    this.#publishAlarms();
  }

  #onAlertCleared(alert: Alert): void {
    if (this.#active.delete(alert.code)) this.#publishAlarms();
  }

  #publishAlarms(): void {
    if (this.#client.connected) this.#client.publish(this.#topics.alarms, alarmsPayload([...this.#active.values()]), RETAINED);
  }

  #publishValues(): void {
    this.#updateBmsAvailability();
    if (!this.#client.connected) return;
    const data = this.#freshData();
    if (!data) {
      this.#counters.staleSkips++;
      return;
    }
    for (const { topic, payload } of valueMessages(data, this.#topics)) this.#client.publish(topic, payload, RETAINED);
    this.#counters.valueRounds++;
  }

  #publishStatus(): void {
    const data = this.#freshData();
    if (!data || !this.#client.connected) return;
    const clock = this.#ctx.host.clock;
    const sampledAt = clock.wallTime() - (clock.now() - data.timestamp_ms);
    const topics = this.#topics;
    this.#client.publish(topics.status, statusPayload(data, sampledAt), RETAINED);
    this.#client.publish(topics.cells, cellsPayload(data), RETAINED);
    this.#counters.statusRounds++;
  }

  #updateBmsAvailability(): void {
    if (!this.#client.connected) return;
    const word = this.#freshData() ? ONLINE : OFFLINE;
    if (word === this.#bmsAvailability) return;
    if (this.#client.publish(this.#topics.bmsAvailability, word, RETAINED) === 'sent') {
      this.#bmsAvailability = word;
      this.#log.info(`battery data ${word === ONLINE ? 'fresh' : 'stale or invalid'}: ${this.#topics.bmsAvailability} = ${word}`);
    }
  }

  #cellCount(): number {
    return Math.min(MAX_CELL_ENTITIES, this.#latest?.data_valid ? this.#latest.cell_voltage_mv.length : this.#announcedCells);
  }

  /** Send the discovery configs (retained), and empty the ones no longer wanted. */
  #announce(): void {
    const mqtt = this.#ctx.config().mqtt;
    if (!this.#client.connected) return;
    const wanted = new Map<string, string>();
    if (mqtt.discovery_enabled) {
      const device = { nodeId: nodeIdFrom(mqtt.client_id), name: this.#ctx.config().wifi.hostname, firmwareVersion: this.#ctx.host.system.firmwareVersion };
      const cellCount = this.#cellCount();
      for (const message of discoveryMessages({ discoveryPrefix: mqtt.discovery_prefix, topics: this.#topics, device, cellCount })) wanted.set(message.topic, message.payload);
      this.#announcedCells = cellCount;
    }
    // An empty retained config removes the entity in HA (discovery switched off, fewer cells, new prefix).
    for (const topic of this.#announced) if (!wanted.has(topic)) this.#client.publish(topic, '', RETAINED);
    this.#announced = new Set(wanted.keys());
    for (const [topic, payload] of wanted) this.#client.publish(topic, payload, RETAINED);
    this.#counters.discoveryMessages += wanted.size;
  }
}
