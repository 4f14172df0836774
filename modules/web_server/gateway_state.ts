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
  /** Several packs: each pack's latest snapshot and link, pack 1 first (empty for a single BMS). */
  packs: { data: LiveData | undefined; link: LinkState }[] = [];

  constructor(clock: ClockPort, staleAfterMs: () => number) {
    this.#clock = clock;
    this.#staleAfterMs = staleAfterMs;
  }

  /** Subscribes to the events it follows; returns the unsubscribe functions. */
  attach(bus: GatewayBus): (() => void)[] {
    const now = () => this.#clock.now();
    return [
      bus.subscribe('bms.data', (data) => (this.latest = data)),
      bus.subscribe('bms.pack', (e) => (this.#pack(e.pack).data = e.data)),
      bus.subscribe('bms.pack_link', (e) => (this.#pack(e.pack).link = { up: e.online, detail: e.reason, since_ms: now() })),
      bus.subscribe('charge.limits', (limits) => (this.limits = limits)),
      bus.subscribe('bms.link', (e) => (this.bmsLink = { up: e.online, detail: e.reason, since_ms: now() })),
      bus.subscribe('wifi.connected', (e) => (this.wifi = { up: true, detail: e.ssid, ip: e.ip, since_ms: now() })),
      bus.subscribe('wifi.disconnected', (e) => (this.wifi = { up: false, detail: e.reason, since_ms: now() })),
      bus.subscribe('mqtt.connected', (e) => (this.mqtt = { up: true, detail: e.broker, since_ms: now() })),
      bus.subscribe('mqtt.disconnected', (e) => (this.mqtt = { up: false, detail: e.reason, since_ms: now() })),
    ];
  }

  /** Age of the latest snapshot (or of `data`) in ms, undefined before the first one. */
  dataAgeMs(data: LiveData | undefined = this.latest): number | undefined {
    return data ? Math.max(0, this.#clock.now() - data.timestamp_ms) : undefined;
  }

  /** Valid and not older than the stale time (the latest snapshot, or `data`). */
  dataFresh(data: LiveData | undefined = this.latest): boolean {
    const age = this.dataAgeMs(data);
    return data !== undefined && data.data_valid && age !== undefined && age <= this.#staleAfterMs();
  }

  #pack(pack: number): { data: LiveData | undefined; link: LinkState } {
    while (this.packs.length < pack) this.packs.push({ data: undefined, link: { up: false, detail: 'no data yet', since_ms: undefined } });
    return this.packs[pack - 1];
  }
}
