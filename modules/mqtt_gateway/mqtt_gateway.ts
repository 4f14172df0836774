/**
 * What the gateway says over MQTT: value topics every mqtt.publish_interval_s and status every
 * max(5 s, that) (only from fresh, valid BMS data), energy and diagnostics, alerts at QoS 1,
 * availability, active alarms, charge limits and Home Assistant discovery. Read-only: the only
 * subscription is Home Assistant's status topic. It never touches a socket: everything goes
 * through the client's publish().
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
import type { PublishOutcome, PublishRequest } from '../mqtt_client/mqtt_client';
import type { LiveData } from '../uart_bms/live_data';
import type { Logger } from '../util/logger';
import { discoveryMessages, MAX_CELL_ENTITIES, nodeIdFrom } from './discovery';
import { alarmsPayload, alertPayload, cellsPayload, diagnosticsPayload, energyPayload, type EnergyFigures, isFresh, limitsPayload, rounded, statusPayload, valueMessages } from './payloads';
import { cellVoltageTopic, gatewayTopics, OFFLINE, ONLINE, type GatewayTopics } from './topics';

/** The part of mqtt_client the gateway needs. */
export interface MqttPublisher {
  readonly connected: boolean;
  /** The session's client id (the HA node id derives from it). */
  readonly clientId: string;
  publish(topic: string, payload: string, options: PublishRequest): PublishOutcome;
  subscribe?(topic: string, handler: (payload: Uint8Array) => void): () => void;
}

/** HA publishes this word on <discovery_prefix>/status when it (re)starts. */
const HA_ONLINE = [0x6f, 0x6e, 0x6c, 0x69, 0x6e, 0x65]; // "online"

function isHaOnline(payload: Uint8Array): boolean {
  return payload.length === HA_ONLINE.length && HA_ONLINE.every((byte, i) => payload[i] === byte);
}

/** Figures other modules own, read when publishing. */
export interface MqttGatewaySources {
  energy?(): EnergyFigures;
  /** The pack capacity in use (the BMS register or charge.capacity_ah). */
  capacityAh?(): number;
  wifiRssi?(): number | undefined;
  canState?(): string;
}

export interface MqttGatewayOptions {
  /** Overrides mqtt.publish_interval_s (tests). */
  valuePeriodMs?: number;
  /** Overrides max(5 s, the value period) (tests). */
  statusPeriodMs?: number;
  sources?: MqttGatewaySources;
  /** Wait after Home Assistant's birth message before announcing (HA subscribes first; several births become one round). Default 2 s. */
  birthDebounceMs?: number;
  /** Announcements after a birth are at least this far apart. Default 30 s. */
  minReannounceMs?: number;
}

const RETAINED: MqttPublishOptions = { qos: 0, retain: true };
const NOT_RETAINED: MqttPublishOptions = { qos: 0, retain: false };
/** A value that has not changed is still sent this often with publish_on_change (a late subscriber, a broker without retain). */
const UNCHANGED_REPEAT_MS = 60000;
const MIN_STATUS_PERIOD_MS = 5000;

export class MqttGateway implements GatewayModule {
  readonly name = 'mqtt_gateway';
  #ctx: GatewayContext;
  #client: MqttPublisher;
  #log: Logger;
  #options: MqttGatewayOptions;
  #sources: MqttGatewaySources;
  #timers: TimerHandle[] = [];
  #birthTimer: TimerHandle | undefined;
  #lastAnnounceAt = -Infinity;
  /** publish_on_change: the payload last sent per value topic, and when. */
  #lastValue = new Map<string, string>();
  #lastValueAt = new Map<string, number>();
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
  #topicsFor: { prefix: string; topics: GatewayTopics } | undefined;
  #counters = { valueRounds: 0, statusRounds: 0, staleSkips: 0, alertsSent: 0, alertsQueued: 0, alertsNotSent: 0, discoveryMessages: 0, discoveryRounds: 0, birthsCoalesced: 0, unchangedSkips: 0 };

  constructor(ctx: GatewayContext, client: MqttPublisher, options: MqttGatewayOptions = {}) {
    this.#ctx = ctx;
    this.#client = client;
    this.#log = ctx.logger('mqtt_gateway');
    this.#options = options;
    this.#sources = options.sources ?? {};
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
        if (changed.includes('mqtt.publish_interval_s')) this.#startTimers();
        if (changed.some((path) => path === 'mqtt.publish_on_change' || path === 'mqtt.retain')) this.#forgetSentValues();
        if (changed.includes('mqtt.cell_topics') && !this.#ctx.config().mqtt.cell_topics) this.#removeCellTopics();
        if (!changed.some((path) => path.startsWith('mqtt.discovery_'))) return;
        this.#watchHomeAssistant();
        this.#announce();
      }),
    ];
    this.#watchHomeAssistant();
    this.#startTimers();
  }

  stop(): void {
    this.#stopWatchingHomeAssistant?.();
    this.#stopWatchingHomeAssistant = undefined;
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#stopTimers();
    this.#ctx.host.clock.clear(this.#birthTimer);
    this.#birthTimer = undefined;
    this.#unsubscribes = [];
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
      discovery_rounds_total: this.#counters.discoveryRounds,
      home_assistant_restarts_total: this.#haRestarts,
      home_assistant_births_coalesced_total: this.#counters.birthsCoalesced,
      unchanged_skips_total: this.#counters.unchangedSkips,
      battery_data_fresh: this.#freshData() !== undefined,
      active_alarms: this.#active.size,
    };
  }

  #startTimers(): void {
    this.#stopTimers();
    const clock = this.#ctx.host.clock;
    const valueMs = this.#options.valuePeriodMs ?? this.#ctx.config().mqtt.publish_interval_s * 1000;
    const statusMs = this.#options.statusPeriodMs ?? Math.max(MIN_STATUS_PERIOD_MS, valueMs);
    this.#timers = [clock.setInterval(valueMs, () => this.#publishValues()), clock.setInterval(statusMs, () => this.#publishStatus())];
  }

  #stopTimers(): void {
    for (const timer of this.#timers) this.#ctx.host.clock.clear(timer);
    this.#timers = [];
  }

  /** Built once per prefix, not on every publish. */
  get #topics(): GatewayTopics {
    const prefix = this.#ctx.config().mqtt.topic_prefix;
    if (this.#topicsFor?.prefix !== prefix) this.#topicsFor = { prefix, topics: gatewayTopics(prefix) };
    return this.#topicsFor.topics;
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
      this.#scheduleReannounce();
    });
  }

  /**
   * One announcement for a burst of births, after HA had time to subscribe, and never sooner
   * than minReannounceMs after the previous one (a flapping HA must not flood the broker).
   */
  #scheduleReannounce(): void {
    if (this.#birthTimer !== undefined) {
      this.#counters.birthsCoalesced++;
      return;
    }
    const clock = this.#ctx.host.clock;
    const now = clock.now();
    const at = Math.max(now + (this.#options.birthDebounceMs ?? 2000), this.#lastAnnounceAt + (this.#options.minReannounceMs ?? 30000));
    this.#birthTimer = clock.setTimer(at - now, () => {
      this.#birthTimer = undefined;
      this.#announce();
    });
  }

  #onConnected(): void {
    if (!this.#client.connected) return;
    const topics = this.#topics;
    this.#client.publish(topics.availability, ONLINE, RETAINED);
    // A restarted broker may have lost retained messages: say everything again.
    this.#bmsAvailability = undefined;
    this.#forgetSentValues();
    this.#announce();
    this.#client.publish(topics.alarms, alarmsPayload([...this.#active.values()]), RETAINED);
    if (this.#limits) this.#client.publish(topics.limits, limitsPayload(this.#limits), RETAINED);
    this.#publishValues();
    this.#publishStatus();
    this.#publishGatewayFigures();
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
    // QoS 1, queued by the client while offline; keyed by code so an outage keeps each alert's first raise and newest state.
    const outcome = this.#client.publish(this.#topics.alerts, alertPayload(alert), { qos: 1, retain: false, key: alert.code });
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
    for (const { topic, payload } of valueMessages(data, this.#topics)) this.#publishValue(topic, payload);
    this.#counters.valueRounds++;
  }

  /** A periodic value: retained or not as configured, and skipped when unchanged if publish_on_change is on. */
  #publishValue(topic: string, payload: string): void {
    const mqtt = this.#ctx.config().mqtt;
    if (mqtt.publish_on_change) {
      const now = this.#ctx.host.clock.now();
      if (this.#lastValue.get(topic) === payload && now - (this.#lastValueAt.get(topic) ?? -Infinity) < UNCHANGED_REPEAT_MS) {
        this.#counters.unchangedSkips++;
        return;
      }
      this.#lastValue.set(topic, payload);
      this.#lastValueAt.set(topic, now);
    }
    this.#client.publish(topic, payload, mqtt.retain ? RETAINED : NOT_RETAINED);
  }

  #forgetSentValues(): void {
    this.#lastValue.clear();
    this.#lastValueAt.clear();
  }

  #publishStatus(): void {
    this.#publishGatewayFigures();
    const data = this.#freshData();
    if (!data || !this.#client.connected) return;
    const clock = this.#ctx.host.clock;
    const sampledAt = clock.wallTime() - (clock.now() - data.timestamp_ms);
    const topics = this.#topics;
    this.#publishValue(topics.status, statusPayload(data, sampledAt, this.#sources.capacityAh?.()));
    this.#publishValue(topics.cells, cellsPayload(data));
    if (this.#ctx.config().mqtt.cell_topics) {
      const prefix = this.#ctx.config().mqtt.topic_prefix;
      const voltages = data.cell_voltage_mv;
      for (let i = 0; i < voltages.length; i++) {
        const volts = rounded(voltages[i] / 1000, 3);
        if (volts !== null) this.#publishValue(cellVoltageTopic(prefix, i + 1), String(volts));
      }
    }
    this.#counters.statusRounds++;
  }

  /** Energy and diagnostics: the gateway's own figures, published whether or not battery data is fresh. */
  #publishGatewayFigures(): void {
    if (!this.#client.connected) return;
    const config = this.#ctx.config();
    const topics = this.#topics;
    const energy = this.#sources.energy?.();
    if (energy) this.#publishValue(topics.energy, energyPayload(energy, this.#sources.capacityAh?.() ?? config.charge.capacity_ah, config.charge.series_cells));
    const system = this.#ctx.host.system;
    const rssi = this.#sources.wifiRssi?.();
    this.#publishValue(
      topics.diagnostics,
      diagnosticsPayload({
        uptime_s: Math.floor(system.uptimeMs() / 1000),
        wifi_rssi_dbm: rssi === undefined ? null : rssi,
        firmware: system.firmwareVersion,
        can_state: this.#sources.canState?.() ?? 'unknown',
      }),
    );
  }

  /** cell_topics switched off: empty retained messages remove the per-cell topics from the broker. */
  #removeCellTopics(): void {
    if (!this.#client.connected) return;
    const prefix = this.#ctx.config().mqtt.topic_prefix;
    for (let cell = 1; cell <= Math.max(this.#announcedCells, this.#latest?.cell_voltage_mv.length ?? 0); cell++) this.#client.publish(cellVoltageTopic(prefix, cell), '', RETAINED);
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
      const device = { nodeId: nodeIdFrom(this.#client.clientId), name: this.#ctx.config().wifi.hostname, firmwareVersion: this.#ctx.host.system.firmwareVersion };
      const cellCount = this.#cellCount();
      for (const message of discoveryMessages({ discoveryPrefix: mqtt.discovery_prefix, topics: this.#topics, device, cellCount })) wanted.set(message.topic, message.payload);
      this.#announcedCells = cellCount;
    }
    // An empty retained config removes the entity in HA (discovery switched off, fewer cells, new prefix).
    for (const topic of this.#announced) if (!wanted.has(topic)) this.#client.publish(topic, '', RETAINED);
    this.#announced = new Set(wanted.keys());
    for (const [topic, payload] of wanted) this.#client.publish(topic, payload, RETAINED);
    this.#counters.discoveryMessages += wanted.size;
    this.#counters.discoveryRounds++;
    this.#lastAnnounceAt = this.#ctx.host.clock.now();
  }
}
