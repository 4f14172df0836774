/**
 * MQTT 3.1.1 transport. The core's mqtt_client owns the policy (reconnect, backoff, queueing);
 * a transport is one connection attempt and its life. Node: mqtt-packet over node:net/tls;
 * Moddable: the SDK's MQTT client.
 */
export interface MqttWill {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

export interface MqttConnectOptions {
  /** mqtt://host:port or mqtts://host:port */
  uri: string;
  clientId: string;
  username?: string;
  password?: string;
  keepaliveS: number;
  will?: MqttWill;
  /** PEM texts for mqtts:// */
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
}

export interface MqttPublishOptions {
  qos: 0 | 1;
  retain: boolean;
}

export interface MqttConnectionHandlers {
  onConnect(): void;
  /** Connection ended or failed; `reason` is readable by a user. Called once per connection. */
  onClose(reason: string): void;
  onMessage?(topic: string, payload: Uint8Array): void;
}

export interface MqttConnection {
  /** Resolves when the broker acknowledged (QoS 1) or the packet was written (QoS 0). */
  publish(topic: string, payload: string | Uint8Array, options: MqttPublishOptions): Promise<void>;
  subscribe?(topic: string): void;
  close(): void;
}

export interface MqttPort {
  connect(options: MqttConnectOptions, handlers: MqttConnectionHandlers): MqttConnection;
}
