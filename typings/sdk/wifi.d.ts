declare module 'wifi' {
  export type WiFiOptions = { bssid?: ArrayBuffer; ssid: string; password?: string };
  export type WiFiCallback = (message: 'connect' | 'gotIP' | 'lostIP' | 'disconnect' | 'station_connect' | 'station_disconnect') => void;
  export type WiFiMode = -5 | 0 | 1 | 2 | 3;
  export type AccessPointOptions = { ssid: string; password?: string; channel?: number; hidden?: boolean; interval?: number; max?: number };
  class WiFi {
    static readonly gotIP: 'gotIP';
    static readonly lostIP: 'lostIP';
    static readonly connected: 'connect';
    static readonly disconnected: 'disconnect';
    static readonly Mode: { off: -5; none: 0; station: 1; accessPoint: 2 };
    constructor(options?: WiFiOptions, callback?: WiFiCallback);
    close(): void;
    static mode: WiFiMode;
    static connect(options?: WiFiOptions): void;
    static disconnect(): void;
    static accessPoint(options: AccessPointOptions): void;
  }
  export { WiFi as default };
}
