/**
 * The Wi-Fi station policy: join the configured network, rejoin after every drop or failed
 * attempt with backoff 1, 2, 4, 8, 16 s (then 16 s for ever), announce 'wifi.connected' /
 * 'wifi.disconnected', and open the setup access point when no SSID is configured — or, so a
 * mistyped password never locks the user out, after repeated failures with no connection yet.
 * The radio itself sits behind the host's WifiPort.
 */
import type { TimerHandle } from '../../hosts/ports/clock';
import type { WifiLinkEvent, WifiPort } from '../../hosts/ports/wifi';
import type { WifiConfig } from '../config_manager/config_types';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import { backoffDelayMs } from '../mqtt_client/backoff';
import type { Logger } from '../util/logger';
import { errorMessage } from '../util/error_message';

export type WifiState = 'stopped' | 'unavailable' | 'access_point' | 'connecting' | 'connected' | 'waiting_retry';

export interface WifiManagerOptions {
  /** First retry delay after a drop or a failed attempt; doubles up to `backoffMaxMs` (defaults 1 s and 16 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** An attempt the radio has not settled by then counts as failed (default 30 s). */
  connectTimeoutMs?: number;
  /**
   * Consecutive failed attempts, with no connection since the configuration was applied, after
   * which the setup access point opens next to the station (default 8, about 1.5 min; 0 = never).
   */
  accessPointAfterFailures?: number;
}

/** What the status API and the UI show. */
export interface WifiStatus {
  state: WifiState;
  ssid: string;
  ip: string;
  hostname: string;
  rssi_dbm: number | null;
  access_point_active: boolean;
  access_point_ssid: string;
  last_error: string;
  reconnects: number;
  disconnects: number;
  connected_for_ms: number;
  next_retry_in_ms: number;
}

type AppliedWifi = Pick<WifiConfig, 'ssid' | 'password' | 'hostname' | 'ap_ssid' | 'ap_password'>;

export class WifiManager implements GatewayModule {
  readonly name = 'wifi';
  #ctx: GatewayContext;
  #log: Logger;
  #backoffBaseMs: number;
  #backoffMaxMs: number;
  #connectTimeoutMs: number;
  #accessPointAfterFailures: number;
  #port: WifiPort | undefined;
  #listening = false;
  #running = false;
  #unsubscribe: (() => void) | undefined;
  #state: WifiState = 'stopped';
  #applied: AppliedWifi | undefined;
  #ip = '';
  #connectedAt = 0;
  #lastError = '';
  #accessPointOpen = false;
  /** Failed attempts since the last connection (opens the fallback access point). */
  #failures = 0;
  /** Waits since the link was last up: indexes the backoff 1, 2, 4, 8, 16 s. */
  #waits = 0;
  #connectedSinceApply = false;
  /** 'wifi.disconnected' already told for the current outage, so a retry storm is one event. */
  #downAnnounced = false;
  #connectTimer: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #retryAt = 0;
  #counters = { attempts: 0, reconnects: 0, connectFailures: 0, disconnects: 0, accessPointOpened: 0 };

  constructor(ctx: GatewayContext, options: WifiManagerOptions = {}) {
    this.#ctx = ctx;
    this.#log = ctx.logger('wifi');
    this.#backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.#backoffMaxMs = options.backoffMaxMs ?? 16 * this.#backoffBaseMs;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 30000;
    this.#accessPointAfterFailures = options.accessPointAfterFailures ?? 8;
  }

  start(): void {
    if (this.#running) return;
    this.#port = this.#ctx.host.wifi;
    if (!this.#port) {
      // Node and the XS harness reach the network without a radio.
      this.#state = 'unavailable';
      return;
    }
    this.#running = true;
    if (!this.#listening) {
      // A port cannot forget a listener, so one is registered for the module's life and gated by #running.
      this.#listening = true;
      this.#port.onEvent((event) => this.#onLinkEvent(event));
    }
    this.#unsubscribe = this.#ctx.bus.subscribe('config.updated', ({ config }) => this.#onConfig(config.wifi));
    this.#apply(this.#ctx.config().wifi);
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#clearTimers();
    this.#leaveNetwork();
    this.#closeAccessPoint();
    this.#state = 'stopped';
  }

  get state(): WifiState {
    return this.#state;
  }

  get connected(): boolean {
    return this.#state === 'connected';
  }

  status(): WifiStatus {
    const wifi = this.#applied ?? this.#ctx.config().wifi;
    const now = this.#ctx.host.clock.now();
    return {
      state: this.#state,
      ssid: wifi.ssid,
      ip: this.#ip,
      hostname: wifi.hostname,
      rssi_dbm: this.#rssi() ?? null,
      access_point_active: this.#accessPointOpen,
      access_point_ssid: this.#accessPointOpen ? wifi.ap_ssid : '',
      last_error: this.#lastError,
      reconnects: this.#counters.reconnects,
      disconnects: this.#counters.disconnects,
      connected_for_ms: this.connected ? now - this.#connectedAt : 0,
      next_retry_in_ms: this.#state === 'waiting_retry' ? Math.max(0, this.#retryAt - now) : 0,
    };
  }

  /** Counters for monitoring and /api/status; rssi_dbm only while associated. */
  metrics(): ModuleMetrics {
    const wifi = this.#applied ?? this.#ctx.config().wifi;
    const metrics: ModuleMetrics = {
      state: this.#state,
      connected: this.connected,
      ssid: wifi.ssid,
      ip: this.#ip,
      hostname: wifi.hostname,
      access_point_active: this.#accessPointOpen,
      connect_attempts_total: this.#counters.attempts,
      reconnects_total: this.#counters.reconnects,
      connect_failures_total: this.#counters.connectFailures,
      disconnects_total: this.#counters.disconnects,
      access_point_opened_total: this.#counters.accessPointOpened,
    };
    const rssi = this.#rssi();
    if (rssi !== undefined) metrics.rssi_dbm = rssi;
    return metrics;
  }

  #onConfig(wifi: WifiConfig): void {
    const applied = this.#applied;
    if (
      applied &&
      applied.ssid === wifi.ssid &&
      applied.password === wifi.password &&
      applied.hostname === wifi.hostname &&
      applied.ap_ssid === wifi.ap_ssid &&
      applied.ap_password === wifi.ap_password
    ) {
      return;
    }
    this.#log.info('Wi-Fi settings changed: rejoining');
    this.#clearTimers();
    if (this.connected) this.#announceDown('configuration changed', true);
    this.#leaveNetwork();
    this.#closeAccessPoint();
    this.#apply(wifi);
  }

  #apply(wifi: WifiConfig): void {
    this.#applied = { ssid: wifi.ssid, password: wifi.password, hostname: wifi.hostname, ap_ssid: wifi.ap_ssid, ap_password: wifi.ap_password };
    this.#failures = 0;
    this.#waits = 0;
    this.#connectedSinceApply = false;
    this.#downAnnounced = false;
    if (wifi.ssid === '') {
      this.#state = 'access_point';
      this.#openAccessPoint('no Wi-Fi network configured yet');
      return;
    }
    this.#attempt();
  }

  #attempt(): void {
    const port = this.#port;
    const wifi = this.#applied;
    if (!this.#running || !port || !wifi) return;
    this.#retryTimer = undefined;
    this.#state = 'connecting';
    this.#counters.attempts++;
    if (this.#waits > 0) this.#counters.reconnects++;
    try {
      port.connectStation(wifi.ssid, wifi.password, wifi.hostname);
    } catch (error) {
      this.#attemptFailed(`the radio refused to connect: ${errorMessage(error)}`);
      return;
    }
    this.#connectTimer = this.#ctx.host.clock.setTimer(this.#connectTimeoutMs, () => {
      this.#connectTimer = undefined;
      this.#leaveNetwork();
      this.#attemptFailed(`no connection to "${wifi.ssid}" after ${Math.round(this.#connectTimeoutMs / 1000)} s`);
    });
  }

  #onLinkEvent(event: WifiLinkEvent): void {
    if (!this.#running) return;
    if (event.type === 'connected') this.#onConnected(event.ip);
    else if (this.#state === 'connected') this.#onDrop(event.reason);
    else if (this.#state === 'connecting') this.#attemptFailed(event.reason);
    // Disconnect reports while waiting or in access-point mode repeat what is already known.
  }

  #onConnected(ip: string): void {
    // Late success after a timeout still counts: the radio is the authority on the link.
    if (this.#state !== 'connecting' && this.#state !== 'waiting_retry' && this.#state !== 'connected') return;
    const wifi = this.#applied as AppliedWifi;
    const ipChanged = this.#state === 'connected' && ip !== this.#ip;
    if (this.#state === 'connected' && !ipChanged) return;
    this.#clearTimers();
    if (!ipChanged) {
      this.#connectedAt = this.#ctx.host.clock.now();
      this.#log.info(`connected to "${wifi.ssid}" as ${wifi.hostname}, IP ${ip}`);
    }
    this.#state = 'connected';
    this.#ip = ip;
    this.#failures = 0;
    this.#waits = 0;
    this.#connectedSinceApply = true;
    this.#downAnnounced = false;
    this.#lastError = '';
    if (this.#accessPointOpen) this.#closeAccessPoint();
    this.#ctx.bus.publish('wifi.connected', { ssid: wifi.ssid, ip });
  }

  #onDrop(reason: string): void {
    this.#counters.disconnects++;
    this.#lastError = reason;
    this.#log.warn(`link lost: ${reason}`);
    this.#announceDown(reason, true);
    this.#ip = '';
    this.#waitAndRetry();
  }

  #attemptFailed(reason: string): void {
    this.#clearTimers();
    this.#counters.connectFailures++;
    this.#lastError = reason;
    this.#log.warn(`connection attempt failed: ${reason}`);
    this.#announceDown(reason, false);
    this.#failures++;
    const limit = this.#accessPointAfterFailures;
    if (limit > 0 && !this.#connectedSinceApply && this.#failures >= limit && !this.#accessPointOpen) {
      this.#openAccessPoint(`${this.#failures} failed attempts to join "${this.#applied?.ssid}"`);
    }
    this.#waitAndRetry();
  }

  #waitAndRetry(): void {
    const delay = backoffDelayMs(this.#waits, this.#backoffBaseMs, this.#backoffMaxMs);
    this.#waits++;
    this.#state = 'waiting_retry';
    this.#retryAt = this.#ctx.host.clock.now() + delay;
    this.#retryTimer = this.#ctx.host.clock.setTimer(delay, () => this.#attempt());
  }

  /** One 'wifi.disconnected' per outage; `force` for a real loss of an established link. */
  #announceDown(reason: string, force: boolean): void {
    if (this.#downAnnounced && !force) return;
    this.#downAnnounced = true;
    this.#ctx.bus.publish('wifi.disconnected', { reason });
  }

  #openAccessPoint(why: string): void {
    const wifi = this.#applied;
    if (!wifi || !this.#port) return;
    try {
      this.#port.startAccessPoint(wifi.ap_ssid, wifi.ap_password);
      this.#accessPointOpen = true;
      this.#counters.accessPointOpened++;
      this.#log.warn(`setup access point "${wifi.ap_ssid}" open (${why})`);
    } catch (error) {
      this.#lastError = `setup access point failed: ${errorMessage(error)}`;
      this.#log.error(this.#lastError);
    }
  }

  #closeAccessPoint(): void {
    if (!this.#accessPointOpen) return;
    this.#accessPointOpen = false;
    this.#port?.stopAccessPoint();
    this.#log.info('setup access point closed');
  }

  #leaveNetwork(): void {
    this.#ip = '';
    this.#port?.disconnect();
  }

  #clearTimers(): void {
    const clock = this.#ctx.host.clock;
    clock.clear(this.#connectTimer);
    clock.clear(this.#retryTimer);
    this.#connectTimer = undefined;
    this.#retryTimer = undefined;
  }

  #rssi(): number | undefined {
    return this.connected ? this.#port?.rssi() : undefined;
  }
}
