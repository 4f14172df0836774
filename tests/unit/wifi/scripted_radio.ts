/** A Wi-Fi radio stand-in: records what the manager asks for; the test decides what the radio reports. */
import type { ClockPort } from '../../../hosts/ports/clock';
import type { WifiLinkEvent, WifiPort } from '../../../hosts/ports/wifi';

export type RadioCall =
  | { call: 'connectStation'; ssid: string; password: string; hostname: string; at: number }
  | { call: 'disconnect'; at: number }
  | { call: 'startAccessPoint'; ssid: string; password: string; at: number }
  | { call: 'stopAccessPoint'; at: number };

export class ScriptedRadio implements WifiPort {
  calls: RadioCall[] = [];
  /** connectStation calls so far (counted even when `calls` is not kept). */
  stationRequests = 0;
  signal: number | undefined = -61;
  /** Error thrown by the next connectStation, as a real radio does for a too-long SSID. */
  refuseNextConnect: string | undefined;
  #clock: ClockPort;
  #listeners: ((event: WifiLinkEvent) => void)[] = [];
  #associated = false;
  #createdAt: number;

  #keepCalls: boolean;

  /** `keepCalls` false: nothing is recorded but `stationRequests` (a long run must not grow the heap it measures). */
  constructor(clock: ClockPort, { keepCalls = true } = {}) {
    this.#clock = clock;
    this.#createdAt = clock.now();
    this.#keepCalls = keepCalls;
  }

  connectStation(ssid: string, password: string, hostname: string): void {
    if (this.refuseNextConnect) {
      const message = this.refuseNextConnect;
      this.refuseNextConnect = undefined;
      throw new Error(message);
    }
    this.stationRequests++;
    this.#record({ call: 'connectStation', ssid, password, hostname, at: this.#clock.now() });
  }

  disconnect(): void {
    this.#associated = false;
    this.#record({ call: 'disconnect', at: this.#clock.now() });
  }

  startAccessPoint(ssid: string, password: string): void {
    this.#record({ call: 'startAccessPoint', ssid, password, at: this.#clock.now() });
  }

  stopAccessPoint(): void {
    this.#record({ call: 'stopAccessPoint', at: this.#clock.now() });
  }

  #record(call: RadioCall): void {
    if (this.#keepCalls) this.calls.push(call);
  }

  onEvent(callback: (event: WifiLinkEvent) => void): void {
    this.#listeners.push(callback);
  }

  rssi(): number | undefined {
    return this.#associated ? this.signal : undefined;
  }

  // ——— what the radio reports (delivered from the clock, never inside a call) ———

  reportConnected(ip = '192.168.1.50'): void {
    this.#emit({ type: 'connected', ip }, true);
  }

  reportDisconnected(reason = 'beacon timeout'): void {
    this.#emit({ type: 'disconnected', reason }, false);
  }

  /** Times of every station attempt, relative to `origin` (default: when the radio was made). */
  attemptTimes(origin = this.#createdAt): number[] {
    return this.calls.filter((c) => c.call === 'connectStation').map((c) => c.at - origin);
  }

  callNames(): string[] {
    return this.calls.map((c) => c.call);
  }

  #emit(event: WifiLinkEvent, associated: boolean): void {
    this.#clock.setTimer(0, () => {
      this.#associated = associated;
      for (const listener of this.#listeners) listener(event);
    });
  }
}
