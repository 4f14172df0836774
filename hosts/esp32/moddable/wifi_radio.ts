/**
 * WifiPort on the SDK's classic `wifi` module and `net` (native on the ESP32, a timer-driven
 * stand-in on the simulator). One WiFi object listens for the whole run (the simulator allows
 * only one); station and access point are switched with the static calls. The SDK retries a
 * failed join a few times itself but never rejoins after a later drop — the core does that.
 */
import Net from 'net';
import WiFi, { type AccessPointOptions } from 'wifi';
import type { ClockPort } from '../../ports/clock';
import type { WifiLinkEvent, WifiPort } from '../../ports/wifi';

export interface WifiRadioOptions {
  clock: ClockPort;
  /** Sets the DHCP hostname before joining (ESP32: esp_netif through FFI); absent on the simulator. */
  setHostname?(hostname: string): void;
}

export class SdkWifiRadio implements WifiPort {
  #clock: ClockPort;
  #setHostname: ((hostname: string) => void) | undefined;
  #listeners: ((event: WifiLinkEvent) => void)[] = [];
  #monitor: WiFi | undefined;
  #station = false;
  #accessPoint = false;
  #associated = false;

  constructor(options: WifiRadioOptions) {
    this.#clock = options.clock;
    this.#setHostname = options.setHostname;
  }

  connectStation(ssid: string, password: string, hostname: string): void {
    this.#listen();
    WiFi.mode = this.#accessPoint ? 3 : 1;
    this.#setHostname?.(hostname);
    this.#station = true;
    this.#associated = false;
    WiFi.connect(password ? { ssid, password } : { ssid });
  }

  disconnect(): void {
    if (!this.#station) return;
    this.#station = false;
    this.#associated = false;
    try {
      WiFi.disconnect();
    } catch {
      // Station already down.
    }
  }

  startAccessPoint(ssid: string, password: string): void {
    this.#listen();
    // `station: true` keeps the station interface up next to the access point (APSTA).
    const options: AccessPointOptions & { station: boolean } = { ssid, password, station: true };
    WiFi.accessPoint(options);
    this.#accessPoint = true;
  }

  stopAccessPoint(): void {
    if (!this.#accessPoint) return;
    this.#accessPoint = false;
    WiFi.mode = 1;
  }

  onEvent(callback: (event: WifiLinkEvent) => void): void {
    this.#listeners.push(callback);
  }

  rssi(): number | undefined {
    if (!this.#associated) return undefined;
    try {
      const value = Net.get('RSSI');
      return typeof value === 'number' && value < 0 ? value : undefined;
    } catch {
      return undefined;
    }
  }

  macAddress(): string | undefined {
    try {
      return Net.get('MAC', 'station') || Net.get('MAC') || undefined;
    } catch {
      return undefined;
    }
  }

  #listen(): void {
    if (this.#monitor) return;
    this.#monitor = new WiFi(undefined, (message) => {
      if (message === WiFi.gotIP) {
        this.#associated = true;
        this.#emit({ type: 'connected', ip: this.#address() });
      } else if (message === WiFi.lostIP) {
        this.#associated = false;
        if (this.#station) this.#emit({ type: 'disconnected', reason: 'lost the IP address' });
      } else if (message === WiFi.disconnected) {
        this.#associated = false;
        if (this.#station) this.#emit({ type: 'disconnected', reason: 'the access point dropped the station or could not be joined' });
      }
    });
  }

  #address(): string {
    try {
      return Net.get('IP', 'station') || Net.get('IP') || '';
    } catch {
      return '';
    }
  }

  #emit(event: WifiLinkEvent): void {
    // The SDK already calls from its own turn; the timer keeps the port's promise regardless.
    this.#clock.setTimer(0, () => {
      for (const listener of this.#listeners) listener(event);
    });
  }
}
