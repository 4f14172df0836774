/**
 * The Wi-Fi radio: one station link and an optional setup access point. The port only starts
 * and stops things and reports what the radio saw; the core's wifi module owns the policy
 * (reconnect, backoff, when to open the access point). The Moddable SDK does not reconnect by
 * itself after a drop, so nothing here retries on its own beyond a single attempt.
 * Events never fire inside the call that caused them.
 */
export type WifiLinkEvent =
  /** The station is associated and has an IP address. */
  | { type: 'connected'; ip: string }
  /** The station lost its link, or an attempt to join failed; `reason` is readable by a user. */
  | { type: 'disconnected'; reason: string };

export interface WifiPort {
  /** Start one attempt to join `ssid`; the outcome arrives as an event. Throws on arguments the radio refuses. */
  connectStation(ssid: string, password: string, hostname: string): void;
  /** Leave the network (no event needs to follow). Idempotent. */
  disconnect(): void;
  /** Open the setup access point next to the station (the station keeps working). */
  startAccessPoint(ssid: string, password: string): void;
  /** Close the setup access point; the station is left as it is. Idempotent. */
  stopAccessPoint(): void;
  onEvent(callback: (event: WifiLinkEvent) => void): void;
  /** dBm, or undefined when not associated. */
  rssi(): number | undefined;
  /** The station's MAC address ("aa:bb:cc:dd:ee:ff"), when the radio tells it: the device's unique id. */
  macAddress?(): string | undefined;
}
