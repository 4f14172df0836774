export type WifiLinkEvent =
  | { type: 'connected'; ip: string }
  | { type: 'disconnected'; reason: string };

export interface WifiPort {
  connectStation(ssid: string, password: string, hostname: string): void;
  disconnect(): void;
  startAccessPoint(ssid: string, password: string): void;
  onEvent(callback: (event: WifiLinkEvent) => void): void;
  /** dBm, or undefined when not associated. */
  rssi(): number | undefined;
}
