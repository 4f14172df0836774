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
import { type Alert, type AlertCode, alertCodesFor } from '../alert_manager/alert';
import type { ChargeLimits } from '../event_bus/events';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import type { PublishOutcome, PublishRequest } from '../mqtt_client/mqtt_client';
import type { LiveData } from '../uart_bms/live_data';
import type { Logger } from '../util/logger';
import { discoveryMessages, MAX_CELL_ENTITIES, nodeIdFrom, packDevice, packDiscoveryMessages } from './discovery';
import { alarmsPayload, alertPayload, cellsPayload, diagnosticsPayload, energyPayload, type EnergyFigures, isFresh, limitsPayload, rounded, statusPayload, valueMessages } from './payloads';
import { cellVoltageTopic, gatewayTopics, OFFLINE, ONLINE, packTopics, type GatewayTopics } from './topics';

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
  /** Packs in the bank (default 1): each one's alert codes get their alarm records at start. */
  packs?: number;
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
  /**
   * The alarms topic's list: one record per code, made at start and changed in place, so an alert
   * coming and going allocates nothing that stays; `order` is its raise order while listed, 0 when
   * not. A code not known at start (a pack above the configured count) gets its record when raised.
   */
  #active = new Map<AlertCode, Alert & { order: number }>();
  #raises = 0;
  /** What the broker holds for us: the bms availability word and the discovery configs sent. */
  #bmsAvailability: string | undefined;
  #announced = new Set<string>();
  #announcedCells = 0;
  #topicsFor: { prefix: string; topics: GatewayTopics } | undefined;
  /**
   * Several packs ('bms.pack'): each pack's newest data, the cells announced for its device and
   * its availability word. Published only with more than one pack, so a single pack changes nothing.
   */
  #packs = new Map<number, { data: LiveData; topics: GatewayTopics; prefix: string; announcedCells: number; availability?: string }>();
  #counters = { valueRounds: 0, statusRounds: 0, staleSkips: 0, alertsSent: 0, alertsQueued: 0, alertsNotSent: 0, discoveryMessages: 0, discoveryRounds: 0, birthsCoalesced: 0, unchangedSkips: 0 };

  constructor(ctx: GatewayContext, client: MqttPublisher, options: MqttGatewayOptions = {}) {
    this.#ctx = ctx;
    this.#client = client;
    this.#log = ctx.logger('mqtt_gateway');
    this.#options = options;
    this.#sources = options.sources ?? {};
    for (const code of alertCodesFor(options.packs)) this.#active.set(code, { timestamp: 0, level: 'info', code, message: '', order: 0 });
  }

  start(): void {
    if (this.#timers.length > 0) return;
    const bus = this.#ctx.bus;
    this.#unsubscribes = [
      bus.subscribe('bms.data', (data) => this.#onData(data)),
      bus.subscribe('bms.pack', ({ pack, data }) => this.#onPackData(pack, data)),
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
      active_alarms: this.#listed().length,
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
    for (const entry of this.#packs.values()) entry.availability = undefined;
    this.#forgetSentValues();
    this.#announce();
    this.#client.publish(topics.alarms, alarmsPayload(this.#listed()), RETAINED);
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

  #onPackData(pack: number, data: LiveData): void {
    const known = this.#packs.get(pack);
    const prefix = this.#ctx.config().mqtt.topic_prefix;
    if (known && known.prefix === prefix) known.data = data;
    else this.#packs.set(pack, { data, prefix, topics: packTopics(prefix, pack), announcedCells: known?.announcedCells ?? 0, availability: known?.availability });
    if (!this.#several) return;
    this.#updatePackAvailability();
    const cells = this.#packCellCount(this.#packs.get(pack)!);
    if (data.data_valid && this.#client.connected && (!known || cells !== known.announcedCells)) this.#announce();
  }

  /** More than one pack reports: the per-pack topics and devices exist. */
  get #several(): boolean {
    return this.#packs.size > 1;
  }

  /** Fresh data of each pack, with its topics (several packs only). */
  #freshPacks(): { data: LiveData; topics: GatewayTopics }[] {
    if (!this.#several) return [];
    const now = this.#ctx.host.clock.now();
    const staleAfter = this.#ctx.config().bms.stale_after_ms;
    const prefix = this.#ctx.config().mqtt.topic_prefix;
    const out: { data: LiveData; topics: GatewayTopics }[] = [];
    for (const [pack, entry] of this.#packs) {
      if (entry.prefix !== prefix) Object.assign(entry, { prefix, topics: packTopics(prefix, pack), availability: undefined });
      if (isFresh(entry.data, now, staleAfter)) out.push(entry);
    }
    return out;
  }

  #packCellCount(entry: { data: LiveData; announcedCells: number }): number {
    return Math.min(MAX_CELL_ENTITIES, entry.data.data_valid ? entry.data.cell_voltage_mv.length : entry.announcedCells);
  }

  #updatePackAvailability(): void {
    if (!this.#client.connected || !this.#several) return;
    const fresh = new Set(this.#freshPacks().map((p) => p.data));
    for (const entry of this.#packs.values()) {
      const word = fresh.has(entry.data) ? ONLINE : OFFLINE;
      if (word !== entry.availability && this.#client.publish(entry.topics.bmsAvailability, word, RETAINED) === 'sent') entry.availability = word;
    }
  }

  #onLimits(limits: ChargeLimits): void {
    const previous = this.#limits && limitsPayload(this.#limits);
    this.#limits = limits;
    const payload = limitsPayload(limits);
    if (payload !== previous && this.#client.connected) this.#client.publish(this.#topics.limits, payload, RETAINED);
  }

  #onAlertRaised(alert: Alert): void {
    const record = this.#active.get(alert.code) ?? { order: 0 };
    // The alert's four fields copied in; a raise while listed keeps its place in the list.
    this.#active.set(alert.code, Object.assign(record, alert, { order: record.order || ++this.#raises }));
    // QoS 1, queued by the client while offline; keyed by code so an outage keeps each alert's first raise and newest state.
    const outcome = this.#client.publish(this.#topics.alerts, alertPayload(alert), { qos: 1, retain: false, key: alert.code });
    if (outcome === 'sent') this.#counters.alertsSent++;
    else if (outcome === 'queued') this.#counters.alertsQueued++;
    else this.#counters.alertsNotSent++;
    this.#publishAlarms();
  }

  #onAlertCleared(alert: Alert): void {
    const record = this.#active.get(alert.code);
    if (!record?.order) return;
    record.order = 0;
    record.message = '';
    this.#publishAlarms();
  }

  /** The listed alerts, oldest raise first. */
  #listed(): Alert[] {
    return [...this.#active.values()].filter((record) => record.order > 0).sort((a, b) => a.order - b.order);
  }

  #publishAlarms(): void {
    if (this.#client.connected) this.#client.publish(this.#topics.alarms, alarmsPayload(this.#listed()), RETAINED);
  }

  #publishValues(): void {
    this.#updateBmsAvailability();
    this.#updatePackAvailability();
    if (!this.#client.connected) return;
    const data = this.#freshData();
    if (!data) {
      this.#counters.staleSkips++;
      return;
    }
    for (const { topic, payload } of valueMessages(data, this.#topics)) this.#publishValue(topic, payload);
    for (const pack of this.#freshPacks()) for (const { topic, payload } of valueMessages(pack.data, pack.topics)) this.#publishValue(topic, payload);
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
    for (const pack of this.#freshPacks()) {
      this.#publishValue(pack.topics.status, statusPayload(pack.data, clock.wallTime() - (clock.now() - pack.data.timestamp_ms)));
      this.#publishValue(pack.topics.cells, cellsPayload(pack.data));
    }
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
      const packCount = this.#several ? this.#packs.size : 1;
      for (const message of discoveryMessages({ discoveryPrefix: mqtt.discovery_prefix, topics: this.#topics, device, cellCount, packCount })) wanted.set(message.topic, message.payload);
      this.#announcedCells = cellCount;
      if (this.#several) {
        for (const [pack, entry] of this.#packs) {
          const cells = this.#packCellCount(entry);
          const topics = packTopics(mqtt.topic_prefix, pack);
          for (const message of packDiscoveryMessages({ discoveryPrefix: mqtt.discovery_prefix, topics, device: packDevice(device, pack), cellCount: cells, pack })) wanted.set(message.topic, message.payload);
          entry.announcedCells = cells;
        }
      }
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
