/** mqtt_client's vocabulary: states, publish outcomes, the status the API shows, options. */
import type { MqttPublishOptions, MqttWill } from '../../hosts/ports/mqtt';
import type { MqttConfig } from '../config_manager/config_types';

export type MqttState = 'stopped' | 'disabled' | 'unconfigured' | 'unavailable' | 'connecting' | 'connected' | 'waiting_retry';

/** sent: handed to the live session · queued: QoS 1 waiting for a connection · skipped_offline: QoS 0 while offline · disabled: MQTT is switched off. */
export type PublishOutcome = 'sent' | 'queued' | 'skipped_offline' | 'disabled';

/** A publish: QoS and retain, and for QoS 1 an optional key marking repeats (the outbox keeps the first and newest per key). */
export interface PublishRequest extends MqttPublishOptions {
  key?: string;
}

/** What `/api/mqtt/status` shows. */
export interface MqttStatus {
  state: MqttState;
  enabled: boolean;
  broker: string;
  client_id: string;
  /** Why the last attempt or session failed; empty once a session is up again. */
  last_error: string;
  /** Why the last accepted session ended (kept after a reconnect). */
  last_disconnect_reason: string;
  published_count: number;
  reconnects: number;
  queued_count: number;
  inflight_count: number;
  dropped_count: number;
  /** Queued alert repeats replaced by a newer message for the same alert. */
  coalesced_count: number;
  connected_for_ms: number;
  next_retry_in_ms: number;
}

export interface MqttClientOptions {
  /** First reconnect delay; doubles up to `backoffMaxMs`. Tests shorten it; the default is 1 s. */
  backoffBaseMs?: number;
  /** Default 32 × base (32 s). */
  backoffMaxMs?: number;
  /** QoS 1 messages kept while offline (default 32). */
  queueCapacity?: number;
  /** QoS 1 messages awaiting PUBACK at once (default 8). */
  inflightWindow?: number;
  /** A broker that has not accepted the session by then counts as a failed attempt (default 10 s). */
  connectTimeoutMs?: number;
  /** A session shorter than this does not reset the backoff, so a broker that accepts and then drops us is not hammered (default 10 s). */
  stableSessionMs?: number;
  /** The device's id (MAC on the ESP32, an id generated and stored at first boot elsewhere): the default client id's suffix. */
  deviceId?(): string | undefined;
  /** The last will for a session with this configuration (mqtt_gateway's availability topic). */
  will?(mqtt: MqttConfig): MqttWill | undefined;
}
