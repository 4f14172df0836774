/**
 * What the web server remembers from the bus: the latest BMS snapshot, charge limits and link
 * states. "Fresh" means valid and younger than the configured stale time, so an API reader can
 * never mistake old values for live ones.
 */
import type { ClockPort } from '../../hosts/ports/clock';
import type { ChargeLimits, GatewayBus } from '../event_bus/events';
import type { LiveData } from '../uart_bms/live_data';

export interface LinkState {
  up: boolean;
  /** Why it is down, or what it is connected to. */
  detail: string;
  /** Host ms of the last change; undefined when no event has been seen. */
  since_ms: number | undefined;
}

export class GatewayState {
  #clock: ClockPort;
  #staleAfterMs: () => number;
  latest: LiveData | undefined;
  limits: ChargeLimits | undefined;
  bmsLink: LinkState = { up: false, detail: 'no data yet', since_ms: undefined };
  wifi: LinkState & { ip?: string } = { up: false, detail: 'no event yet', since_ms: undefined };
  mqtt: LinkState = { up: false, detail: 'no event yet', since_ms: undefined };

  constructor(clock: ClockPort, staleAfterMs: () => number) {
    this.#clock = clock;
    this.#staleAfterMs = staleAfterMs;
  }

  /** Subscribes to the events it follows; returns the unsubscribe functions. */
  attach(bus: GatewayBus): (() => void)[] {
    const now = () => this.#clock.now();
    return [
      bus.subscribe('bms.data', (data) => (this.latest = data)),
      bus.subscribe('charge.limits', (limits) => (this.limits = limits)),
      bus.subscribe('bms.link', (e) => (this.bmsLink = { up: e.online, detail: e.reason, since_ms: now() })),
      bus.subscribe('wifi.connected', (e) => (this.wifi = { up: true, detail: e.ssid, ip: e.ip, since_ms: now() })),
      bus.subscribe('wifi.disconnected', (e) => (this.wifi = { up: false, detail: e.reason, since_ms: now() })),
      bus.subscribe('mqtt.connected', (e) => (this.mqtt = { up: true, detail: e.broker, since_ms: now() })),
      bus.subscribe('mqtt.disconnected', (e) => (this.mqtt = { up: false, detail: e.reason, since_ms: now() })),
    ];
  }

  /** Age of the latest snapshot in ms, undefined before the first one. */
  dataAgeMs(): number | undefined {
    return this.latest ? Math.max(0, this.#clock.now() - this.latest.timestamp_ms) : undefined;
  }

  /** Valid and not older than the stale time. */
  dataFresh(): boolean {
    const age = this.dataAgeMs();
    return this.latest !== undefined && this.latest.data_valid && age !== undefined && age <= this.#staleAfterMs();
  }
}
