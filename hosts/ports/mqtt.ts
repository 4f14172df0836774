/**
 * MQTT 3.1.1 transport: one connection attempt and its life. The core's mqtt_client owns the
 * policy (reconnect, backoff, queueing, connect timeout); a transport only speaks the protocol.
 * Node: mqtt-packet over node:net/node:tls (hosts/node/mqtt_transport.ts); Moddable: the SDK's
 * MQTT client. Callbacks never fire inside the call that caused them.
 */
export interface MqttWill {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

/** PEM texts for mqtts://. Without `ca` the platform's default trust store is used. */
export interface MqttTlsOptions {
  ca?: string;
  /** Client certificate and key, both or neither (mutual TLS). */
  cert?: string;
  key?: string;
}

export interface MqttConnectOptions {
  /** mqtt://host[:port] (default 1883) or mqtts://host[:port] (default 8883). */
  uri: string;
  clientId: string;
  username?: string;
  password?: string;
  /** The transport sends PINGREQ at this period and gives up when the broker stays silent. */
  keepaliveS: number;
  will?: MqttWill;
  tls?: MqttTlsOptions;
}

export interface MqttPublishOptions {
  qos: 0 | 1;
  retain: boolean;
}

/**
 * Told once per publish: with no argument when the broker acknowledged it (QoS 1) or it was
 * handed to the network (QoS 0); with a readable reason when the connection ended first.
 * A transport that cannot see PUBACKs (some SDK clients) settles QoS 1 on hand-over too.
 */
export type MqttPublishSettled = (error?: string) => void;

export interface MqttConnectionHandlers {
  /** The broker accepted the session (CONNACK 0). */
  onConnect(): void;
  /**
   * The connection ended or never came up; `reason` is readable by a user. Called once per
   * connection. `closedByBroker`: an accepted session ended because the broker closed it
   * (no socket error, no keepalive timeout, not our close) — what a session takeover looks like.
   */
  onClose(reason: string, closedByBroker?: boolean): void;
  onMessage?(topic: string, payload: Uint8Array): void;
}

export interface MqttConnection {
  publish(topic: string, payload: string | Uint8Array, options: MqttPublishOptions, settled?: MqttPublishSettled): void;
  /** QoS 0 subscription; messages arrive through `onMessage`. */
  subscribe?(topic: string): void;
  /** Ends the session with a DISCONNECT (so the broker does not send the will). Idempotent. */
  close(): void;
}

export interface MqttPort {
  connect(options: MqttConnectOptions, handlers: MqttConnectionHandlers): MqttConnection;
}
