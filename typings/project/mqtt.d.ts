/**
 * The SDK's classic MQTT client ($MODDABLE/modules/network/mqtt/mqtt.js): QoS 0 receive, publish
 * with any QoS flag but no PUBACK tracking, keepalive from `timeout` (ms), TLS through `Socket`.
 * Callbacks are assigned as properties after construction.
 */
declare module 'mqtt' {
  export interface MQTTWill {
    topic: string;
    message: string | ArrayBuffer;
    quality?: 0 | 1 | 2;
    retain?: boolean;
  }
  export interface MQTTOptions {
    host: string;
    port?: number;
    id?: string;
    user?: string;
    password?: string | ArrayBuffer;
    will?: MQTTWill;
    /** Keepalive in milliseconds (sent to the broker rounded up to seconds). */
    timeout?: number;
    /** Presence selects MQTT over WebSocket. */
    path?: string;
    /** A socket class to use instead of the plain TCP Socket, e.g. SecureSocket. */
    Socket?: new (options: any) => any;
    secure?: Record<string, unknown>;
  }
  export interface MQTTPublishFlags {
    quality?: 0 | 1 | 2;
    retain?: boolean;
    duplicate?: boolean;
  }
  export default class Client {
    constructor(options: MQTTOptions);
    onReady?: () => void;
    onMessage?: (topic: string, payload: ArrayBuffer) => void;
    onClose?: () => void;
    publish(topic: string, data: string | ArrayBuffer, flags?: MQTTPublishFlags): void;
    subscribe(topic: string): void;
    unsubscribe(topic: string): void;
    close(immediate?: boolean): void;
  }
}
