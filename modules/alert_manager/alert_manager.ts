/**
 * alert_manager: watches BMS data and link events, raises and clears the alerts of
 * gateway-api.md §Alerts with hysteresis and a minimum duration, keeps the active set and a
 * bounded log of system events. BMS_COMM_LOST runs on a host timer, so total silence raises it.
 * Several packs: each pack has its own silence watch, raising BMS_COMM_LOST_P<pack> when that pack
 * goes silent (while the others may still answer); the bank's BMS_COMM_LOST needs all silent.
 */
import type { TimerHandle } from '../../hosts/ports/clock';
import type { GatewayEvents } from '../event_bus/events';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import type { LiveData } from '../uart_bms/live_data';
import type { Logger } from '../util/logger';
import { type ActiveAlert, ActiveAlerts } from './active_alerts';
import { type Alert, type AlertCode, alertCodesFor, alertLevel, type AlertLevel, isAlertCode, packAlertCode, type SystemAlertCode } from './alert';
import { Condition } from './condition';
import { EventLog, type SystemEvent, type SystemEventType } from './event_log';
import { AlertJournal } from './journal';
import { SilenceWatch } from './silence_watch';
import type { StorageArea } from '../event_bus/events';
import { LIMIT_BACK_INSIDE, LIMIT_BEYOND, LIMIT_UNKNOWN, limitMessage, MEASURED_ALERT_CODES, MEASURED_POSITIONS, type MeasuredAlertCode } from './limits';
import { errorMessage } from '../util/error_message';

type LinkAlertCode = Extract<AlertCode, 'MQTT_DISCONNECTED' | 'WIFI_DISCONNECTED'>;

export interface AlertManagerOptions {
  /** Entries kept in the system event log (default 100, as the C firmware). */
  eventLogCapacity?: number;
  /** Keep latched alerts and the event log across restarts on the host's storage (default true). */
  journal?: boolean;
  /** Packs in the bank (default 1): each one's alert codes get their records at start. */
  packs?: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class AlertManager implements GatewayModule {
  readonly name = 'alert_manager';
  #ctx: GatewayContext;
  #log: Logger;
  #active: ActiveAlerts;
  #events: EventLog;
  #measured = new Map<MeasuredAlertCode, Condition>(MEASURED_ALERT_CODES.map((code) => [code, new Condition()]));
  /** The same conditions in MEASURED_ALERT_CODES order, for the per-poll loop. */
  #measuredInOrder: readonly Condition[] = MEASURED_ALERT_CODES.map((code) => this.#measured.get(code) as Condition);
  #links = new Map<LinkAlertCode, { condition: Condition; timer?: TimerHandle; reason: string }>([
    ['MQTT_DISCONNECTED', { condition: new Condition(), reason: '' }],
    ['WIFI_DISCONNECTED', { condition: new Condition(), reason: '' }],
  ]);
  #commLost: SilenceWatch;
  /** Several packs: one watch per pack seen on the bus (data or link event), by pack number. */
  #packWatches = new Map<number, SilenceWatch>();
  #running = false;
  #unsubscribes: (() => void)[] = [];
  #listeners: ((event: SystemEvent) => void)[] = [];
  #journal: AlertJournal | undefined;
  #journalRestored = false;
  #alertsSaveFailing = false;
  /** Storage areas failing now, with why; STORAGE_FAULT is active while any is. */
  #storageFaults = new Map<StorageArea, string>();
  #counters = { raised: 0, cleared: 0, publishDropped: 0, invalidSamples: 0, listenerErrors: 0, journalFailures: 0 };

  constructor(ctx: GatewayContext, options: AlertManagerOptions = {}) {
    this.#ctx = ctx;
    this.#log = ctx.logger('alert_manager');
    this.#events = new EventLog(options.eventLogCapacity);
    this.#active = new ActiveAlerts(alertCodesFor(options.packs));
    this.#commLost = new SilenceWatch(ctx.host.clock);
    if (options.journal !== false) this.#journal = new AlertJournal(ctx.host.files, ctx.host.store, this.#events.capacity);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#restoreJournal();
    this.#commLost.restart();
    const bus = this.#ctx.bus;
    this.#unsubscribes = [
      bus.subscribe('bms.data', (data) => this.#onData(data)),
      bus.subscribe('bms.link', ({ online, reason }) =>
        this.#record(online ? 'info' : 'warning', 'bms_link', `BMS link ${online ? 'up' : 'down'}: ${reason}`)),
      // Several packs: each pack's link in the event log, named by its pack number.
      bus.subscribe('bms.pack_link', ({ pack, online, reason }) => {
        this.#packWatch(pack);
        this.#record(online ? 'info' : 'warning', 'bms_link', `BMS pack ${pack} link ${online ? 'up' : 'down'}: ${reason}`);
      }),
      bus.subscribe('bms.pack', ({ pack, data }) => this.#onPackData(pack, data)),
      bus.subscribe('mqtt.connected', ({ broker }) => this.#linkUp('MQTT_DISCONNECTED', 'mqtt_connected', `MQTT connected to ${broker}`)),
      bus.subscribe('mqtt.disconnected', ({ reason }) => this.#linkDown('MQTT_DISCONNECTED', 'mqtt_disconnected', reason)),
      bus.subscribe('wifi.connected', ({ ssid, ip }) => this.#linkUp('WIFI_DISCONNECTED', 'wifi_connected', `Wi-Fi connected to "${ssid}" as ${ip}`)),
      bus.subscribe('wifi.disconnected', ({ reason }) => this.#linkDown('WIFI_DISCONNECTED', 'wifi_disconnected', reason)),
      bus.subscribe('config.updated', (update) => this.#onConfig(update)),
      bus.subscribe('ota.started', ({ size }) => this.#record('info', 'ota_started', `OTA update started (${size} bytes)`)),
      bus.subscribe('ota.completed', ({ version }) => this.#record('info', 'ota_completed', `OTA image ${version} written and activated`)),
      bus.subscribe('ota.failed', ({ reason }) => this.#record('error', 'ota_failed', `OTA update failed: ${reason}`)),
      bus.subscribe('ota.rolled_back', ({ version, reason }) => this.raiseSystem('OTA_ROLLED_BACK', `Firmware ${version} was rolled back: ${reason}`)),
      bus.subscribe('storage.fault', ({ area, ok, message }) => this.storageFault(area, ok, message)),
    ];
    this.#armCommTimer();
    for (const [pack, watch] of this.#packWatches) {
      watch.restart();
      this.#armPackTimer(pack, watch);
    }
  }

  stop(): void {
    this.#running = false;
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes = [];
    const clock = this.#ctx.host.clock;
    this.#commLost.stop();
    for (const watch of this.#packWatches.values()) watch.stop();
    for (const link of this.#links.values()) {
      clock.clear(link.timer);
      link.timer = undefined;
    }
  }

  /** Alerts to show: active ones and latched ones nobody acknowledged yet, oldest raise first. */
  activeAlerts(): ActiveAlert[] {
    return this.#active.list();
  }

  /** Acknowledge by code (all when omitted or 'all'). Unknown codes throw RangeError and change nothing. */
  acknowledge(codes?: readonly string[] | 'all'): AlertCode[] {
    const done = this.#active.acknowledge(codes === undefined || codes === 'all' ? undefined : checkCodes(codes));
    if (done.length > 0) this.#saveAlerts();
    if (done.length > 0) this.#record('info', 'alerts_acknowledged', `Alerts acknowledged: ${done.join(', ')}`);
    return done;
  }

  /** Remove latched alerts (all when omitted); alerts whose condition still holds stay. */
  clear(codes?: readonly string[]): AlertCode[] {
    const done = this.#active.clearLatched(codes === undefined ? undefined : checkCodes(codes));
    if (done.length > 0) this.#saveAlerts();
    if (done.length > 0) this.#record('info', 'alerts_cleared_by_user', `Latched alerts cleared: ${done.join(', ')}`);
    return done;
  }

  /**
   * An alert about the gateway itself (config recovered or reset, firmware rolled back, storage
   * failing). `ongoing` keeps it active until `endSystem`; otherwise it is latched at once: a
   * fact that stays listed until someone acknowledges it, also across restarts.
   */
  raiseSystem(code: SystemAlertCode, message: string, ongoing = false): void {
    this.#raise(code, message);
    if (!ongoing) {
      this.#active.conditionEnded(code, this.#ctx.host.clock.wallTime());
      this.#saveAlerts();
    }
  }

  /** A storage area failed or works again: STORAGE_FAULT is active while any area fails. */
  storageFault(area: StorageArea, ok: boolean, message: string): void {
    const wasFailing = this.#storageFaults.has(area);
    if (ok) {
      if (!wasFailing) return;
      this.#storageFaults.delete(area);
      this.#record('info', 'storage', `Storage (${area}) works again${message ? `: ${message}` : ''}`);
      if (this.#storageFaults.size === 0) this.#clear('STORAGE_FAULT', `Storage works again (${area})`);
      return;
    }
    if (wasFailing) return;
    this.#storageFaults.set(area, message);
    const text = `Storage (${area}) failing, feature degraded, BMS→CAN unaffected: ${message}`;
    if (this.#storageFaults.size === 1) this.#raise('STORAGE_FAULT', text);
    else this.#record('error', 'storage', text);
  }

  /** Newest system events first; RangeError for a limit that is not a positive integer. */
  events(limit?: number): SystemEvent[] {
    return this.#events.newest(limit);
  }

  /** Log an event another module saw (web actions, login lockouts): /api/events and /ws/events show it. */
  recordEvent(level: AlertLevel, type: SystemEventType, message: string): SystemEvent {
    return this.#record(level, type, message);
  }

  /** Told about every logged event (for /ws/events). Returns an unsubscribe function. */
  onEvent(listener: (event: SystemEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  metrics(): ModuleMetrics {
    return {
      active_alerts: this.#active.countWhere((a) => a.active),
      latched_alerts: this.#active.countWhere((a) => !a.active),
      unacknowledged_alerts: this.#active.countWhere((a) => !a.acknowledged),
      bms_comm_lost: this.#commLost.active,
      /** Several packs: the numbers of the packs silent now. */
      packs_comm_lost: [...this.#packWatches].filter(([, watch]) => watch.active).map(([pack]) => pack).join(','),
      raised_total: this.#counters.raised,
      cleared_total: this.#counters.cleared,
      events_logged_total: this.#events.recorded,
      invalid_samples_total: this.#counters.invalidSamples,
      bus_publish_dropped_total: this.#counters.publishDropped,
      event_listener_errors_total: this.#counters.listenerErrors,
      journal_write_failures_total: this.#counters.journalFailures,
      journal_restored: this.#journalRestored,
      storage_faults: [...this.#storageFaults.keys()].join(','),
    };
  }

  #restoreJournal(): void {
    const journal = this.#journal;
    if (!journal || this.#journalRestored) return;
    try {
      const saved = journal.loadAlerts();
      this.#active.restore(saved.alerts);
      this.#events.restore(journal.loadEvents());
      this.#journalRestored = true;
      if (saved.problem) this.#record('warning', 'storage', saved.problem);
    } catch (error) {
      this.#journalFailed(error);
    }
  }

  /**
   * A failing store only counts here: raising STORAGE_FAULT would save the alerts again (a loop);
   * the store's own failure is reported by the host or the config saves.
   */
  #saveAlerts(): void {
    if (!this.#journal) return;
    try {
      this.#journal.saveAlerts(this.#active.list());
      this.#alertsSaveFailing = false;
    } catch (error) {
      this.#counters.journalFailures++;
      if (!this.#alertsSaveFailing) this.#log.error(`latched alerts not saved: ${String(error)}`);
      this.#alertsSaveFailing = true;
    }
  }

  #journalFailed(error: unknown): void {
    this.#counters.journalFailures++;
    if (this.#storageFaults.has('journal')) return;
    this.#log.error(`alert journal not written: ${String(error)}`);
    this.storageFault('journal', false, `the alert journal cannot be written (${errorMessage(error)})`);
  }

  #onData(data: LiveData): void {
    const now = this.#ctx.host.clock.now();
    if (!data.data_valid) {
      // Unknown values neither raise nor clear, and interrupt any half-observed change.
      this.#counters.invalidSamples++;
      for (const condition of this.#measured.values()) condition.resetPending();
      return;
    }
    const silentFor = this.#commLost.heard();
    this.#armCommTimer();
    if (silentFor !== undefined) this.#clear('BMS_COMM_LOST', `Valid BMS data again after ${seconds(silentFor)}`);

    const thresholds = this.#ctx.config().alerts;
    // Index loop and bit positions: this runs on every poll and allocates nothing unless an alert changes.
    for (let i = 0; i < MEASURED_ALERT_CODES.length; i++) {
      const condition = this.#measuredInOrder[i];
      const position = MEASURED_POSITIONS[i](data, thresholds);
      if (position === LIMIT_UNKNOWN) {
        condition.resetPending();
        continue;
      }
      const beyond = (position & LIMIT_BEYOND) !== 0;
      const change = condition.observe(now, beyond, (position & LIMIT_BACK_INSIDE) !== 0, thresholds.min_duration_ms);
      if (change === 'raise') this.#raise(MEASURED_ALERT_CODES[i], limitMessage(MEASURED_ALERT_CODES[i], data, thresholds));
      else if (change === 'clear') this.#clear(MEASURED_ALERT_CODES[i], limitMessage(MEASURED_ALERT_CODES[i], data, thresholds, true));
      else if (condition.active && beyond) this.#active.touch(MEASURED_ALERT_CODES[i], this.#ctx.host.clock.wallTime());
    }
  }

  #armCommTimer(): void {
    this.#commLost.arm(this.#ctx.config().alerts.comm_lost_after_ms, this.#onCommSilent);
  }

  /** One function for every poll's re-arm: no closure per poll. */
  #onCommSilent = (silentFor: number): void => this.#raise('BMS_COMM_LOST', `No valid BMS data for ${seconds(silentFor)}`);

  /** The watch of one pack, started (and armed) the first time the pack shows up. */
  #packWatch(pack: number): SilenceWatch {
    let watch = this.#packWatches.get(pack);
    if (!watch) {
      watch = new SilenceWatch(this.#ctx.host.clock);
      this.#packWatches.set(pack, watch);
      if (this.#running) this.#armPackTimer(pack, watch);
    }
    return watch;
  }

  #armPackTimer(pack: number, watch: SilenceWatch): void {
    watch.arm(this.#ctx.config().alerts.comm_lost_after_ms, (silentFor) =>
      this.#raise(packAlertCode('BMS_COMM_LOST', pack), `Pack ${pack}: no valid BMS data for ${seconds(silentFor)}`));
  }

  #onPackData(pack: number, data: LiveData): void {
    const watch = this.#packWatch(pack);
    if (!data.data_valid) return;
    const silentFor = watch.heard();
    this.#armPackTimer(pack, watch);
    if (silentFor !== undefined) this.#clear(packAlertCode('BMS_COMM_LOST', pack), `Pack ${pack}: valid BMS data again after ${seconds(silentFor)}`);
  }

  #linkDown(code: LinkAlertCode, type: 'mqtt_disconnected' | 'wifi_disconnected', reason: string): void {
    const what = code === 'MQTT_DISCONNECTED' ? 'MQTT broker connection lost' : 'Wi-Fi station disconnected';
    this.#record('warning', type, `${what}: ${reason}`);
    const link = this.#links.get(code)!;
    link.reason = reason;
    if (link.condition.active || link.timer || !this.#linkWanted(code)) return;
    // Raise only if the link stays down for the minimum duration (a quick reconnect is not an alert).
    link.timer = this.#ctx.host.clock.setTimer(this.#ctx.config().alerts.min_duration_ms, () => {
      link.timer = undefined;
      if (this.#linkWanted(code) && link.condition.set(true) === 'raise') this.#raise(code, `${what}: ${link.reason}`);
    });
  }

  #linkUp(code: LinkAlertCode, type: 'mqtt_connected' | 'wifi_connected', message: string): void {
    this.#record('info', type, message);
    this.#endLink(code, message);
  }

  #endLink(code: LinkAlertCode, message: string): void {
    const link = this.#links.get(code)!;
    this.#ctx.host.clock.clear(link.timer);
    link.timer = undefined;
    if (link.condition.set(false) === 'clear') this.#clear(code, message);
  }

  #onConfig({ config, changed }: GatewayEvents['config.updated']): void {
    const shown = changed.length > 8 ? [...changed.slice(0, 8), `and ${changed.length - 8} more`] : changed;
    this.#record('info', 'config_updated', `Configuration updated: ${shown.join(', ') || 'no change'}`);
    if (changed.includes('alerts.comm_lost_after_ms')) {
      if (!this.#commLost.active) this.#armCommTimer();
      for (const [pack, watch] of this.#packWatches) if (!watch.active) this.#armPackTimer(pack, watch);
    }
    if (!config.mqtt.enabled) this.#endLink('MQTT_DISCONNECTED', 'MQTT disabled in the configuration');
  }

  /** A disabled MQTT client being disconnected is not an alert. */
  #linkWanted(code: LinkAlertCode): boolean {
    return code !== 'MQTT_DISCONNECTED' || this.#ctx.config().mqtt.enabled;
  }

  #raise(code: AlertCode, message: string): void {
    const alert: Alert = { timestamp: this.#ctx.host.clock.wallTime(), level: alertLevel(code), code, message };
    this.#active.raise(alert);
    this.#saveAlerts();
    this.#counters.raised++;
    this.#log.warn(`${code}: ${message}`);
    this.#record(alert.level, 'alert_raised', message, code);
    this.#publish('alert.raised', alert);
  }

  #clear(code: AlertCode, message: string): void {
    const alert: Alert = { timestamp: this.#ctx.host.clock.wallTime(), level: 'info', code, message };
    this.#active.conditionEnded(code, alert.timestamp);
    this.#saveAlerts();
    this.#counters.cleared++;
    this.#log.info(`${code} cleared: ${message}`);
    this.#record('info', 'alert_cleared', message, code);
    this.#publish('alert.cleared', alert);
  }

  #publish(name: 'alert.raised' | 'alert.cleared', alert: Alert): void {
    if (!this.#ctx.bus.publish(name, alert)) {
      this.#counters.publishDropped++;
      this.#log.error(`event bus full: ${name} ${alert.code} not delivered`);
    }
  }

  #record(level: AlertLevel, type: SystemEventType, message: string, code?: AlertCode): SystemEvent {
    const event = this.#events.record({ timestamp: this.#ctx.host.clock.wallTime(), level, type, message, ...(code ? { code } : {}) });
    if (this.#journal) {
      try {
        this.#journal.appendEvent(event);
        if (this.#storageFaults.has('journal')) this.storageFault('journal', true, 'the alert journal is written again');
      } catch (error) {
        this.#journalFailed(error);
      }
    }
    for (const listener of this.#listeners.slice()) {
      try {
        listener(event);
      } catch (error) {
        this.#counters.listenerErrors++;
        this.#log.error(`event listener failed: ${String(error)}`);
      }
    }
    return event;
  }
}

function checkCodes(codes: readonly string[]): AlertCode[] {
  if (!Array.isArray(codes)) throw new RangeError('codes must be a list of alert codes');
  const unknown = codes.filter((code) => !isAlertCode(code));
  if (unknown.length > 0) throw new RangeError(`unknown alert code${unknown.length > 1 ? 's' : ''}: ${unknown.map((c) => JSON.stringify(c)).join(', ')}`);
  return codes as AlertCode[];
}
