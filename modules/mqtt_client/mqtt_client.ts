/**
 * The MQTT session policy: configure from `config.mqtt`, connect through the host's transport,
 * time out silent brokers, reconnect with exponential backoff for ever, keep QoS 1 messages in a
 * bounded outbox while offline, announce 'mqtt.connected' / 'mqtt.disconnected'.
 * Topics and payloads belong to mqtt_gateway; bytes on the wire belong to the transport.
 */
import type { TimerHandle } from '../../hosts/ports/clock';
import type { MqttConnection, MqttPublishOptions, MqttWill } from '../../hosts/ports/mqtt';
import type { MqttConfig } from '../config_manager/config_types';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import type { Logger } from '../util/logger';
import { DEFAULT_BACKOFF_BASE_MS, backoffDelayMs } from './backoff';
import { DEFAULT_TEST_TIMEOUT_MS, type MqttTestResult, formatSeconds, testBrokerConnection } from './connection_test';
import { BoundedOutbox } from './outbox';
import { needsReconnect, sessionOptions } from './session_options';
import type { MqttClientOptions, MqttState, MqttStatus, PublishOutcome, PublishRequest } from './types';

export type { MqttClientOptions, MqttState, MqttStatus, PublishOutcome, PublishRequest } from './types';

interface OutgoingMessage {
  topic: string;
  payload: string | Uint8Array;
  retain: boolean;
  key?: string;
}

interface Session {
  connection: MqttConnection | undefined;
  will: MqttWill | undefined;
  connectedAt: number | undefined;
}

/** Client id used when `mqtt.client_id` is empty and the host gave no device id. */
export const FALLBACK_CLIENT_ID = 'tinybms-gw';

export class MqttClient implements GatewayModule {
  readonly name = 'mqtt_client';
  #ctx: GatewayContext;
  #log: Logger;
  #options: MqttClientOptions;
  #backoffBaseMs: number;
  #backoffMaxMs: number;
  #inflightWindow: number;
  #connectTimeoutMs: number;
  #stableSessionMs: number;
  #outbox: BoundedOutbox<OutgoingMessage>;
  #inflight = new Set<OutgoingMessage>();
  #subscriptions = new Map<string, (payload: Uint8Array) => void>();
  #state: MqttState = 'stopped';
  #session: Session | undefined;
  #connectTimer: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #retryAt = 0;
  #failures = 0;
  #lastError = '';
  /** The settings the current session (or decision not to connect) used; an announcement that changes none of them needs no new session. */
  #appliedSignature = '';
  #lastDisconnect = '';
  #takeovers = 0;
  /** Accepted sessions in a row that the broker closed soon after accepting them. */
  #shortBrokerCloses = 0;
  #unsubscribe: (() => void) | undefined;
  #counters = { published: 0, reconnects: 0, connectFailures: 0, sessionsLost: 0, skippedOffline: 0, notSentDisabled: 0 };

  constructor(ctx: GatewayContext, options: MqttClientOptions = {}) {
    this.#ctx = ctx;
    this.#log = ctx.logger('mqtt_client');
    this.#options = options;
    this.#backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.#backoffMaxMs = options.backoffMaxMs ?? this.#backoffBaseMs * 32;
    this.#inflightWindow = Math.max(1, options.inflightWindow ?? 8);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10000;
    this.#stableSessionMs = options.stableSessionMs ?? 10000;
    this.#outbox = new BoundedOutbox(options.queueCapacity ?? 32);
  }

  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#ctx.bus.subscribe('config.updated', ({ changed }) => {
      // At boot the stored configuration is announced after this session already used it: no throw-away session.
      if (changed.some(needsReconnect) && this.#sessionSignature() !== this.#appliedSignature) this.#restartSession('configuration changed');
    });
    this.#failures = 0;
    this.#connect();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#endSession('gateway stopping');
    this.#clearRetry();
    this.#state = 'stopped';
  }

  get connected(): boolean {
    return this.#state === 'connected';
  }

  get state(): MqttState {
    return this.#state;
  }

  /** The client id sessions use: `mqtt.client_id`, or `tinybms-gw-<device id>` when it is empty (unique per gateway). */
  get clientId(): string {
    return effectiveClientId(this.#ctx.config().mqtt.client_id, this.#options.deviceId?.());
  }

  /**
   * QoS 0 goes only to a live session; QoS 1 is queued while offline. `key` marks repeats of one
   * another (an alert code): the queue keeps the first and the newest of each key.
   */
  publish(topic: string, payload: string | Uint8Array, options: PublishRequest): PublishOutcome {
    if (this.#state === 'disabled') {
      this.#counters.notSentDisabled++;
      return 'disabled';
    }
    if (options.qos === 0) {
      if (!this.connected) {
        this.#counters.skippedOffline++;
        return 'skipped_offline';
      }
      this.#session?.connection?.publish(topic, payload, options, (error) => {
        if (!error) this.#counters.published++;
      });
      return 'sent';
    }
    const message: OutgoingMessage = { topic, payload, retain: options.retain, key: options.key };
    if (this.connected && this.#outbox.size === 0 && this.#inflight.size < this.#inflightWindow) {
      this.#send(message);
      return 'sent';
    }
    const dropped = this.#outbox.push(message);
    if (dropped) this.#log.warn(`outbox full (${this.#outbox.capacity}): dropped a QoS 1 message on ${dropped.topic}${dropped.key ? ` (${dropped.key})` : ''}; first and newest of each alert kept`);
    return 'queued';
  }

  /**
   * Receive messages on one exact topic (no wildcards), in this and every later session.
   * Returns the unsubscribe function (the broker keeps the subscription until the next session).
   */
  subscribe(topic: string, handler: (payload: Uint8Array) => void): () => void {
    this.#subscriptions.set(topic, handler);
    if (this.connected) this.#session?.connection?.subscribe?.(topic);
    return () => {
      if (this.#subscriptions.get(topic) === handler) this.#subscriptions.delete(topic);
    };
  }

  /** Try a broker without touching the live session; `overrides` lets the UI test unsaved settings. */
  testConnection(overrides: Partial<MqttConfig> = {}, timeoutMs = DEFAULT_TEST_TIMEOUT_MS): Promise<MqttTestResult> {
    const mqtt = { ...this.#ctx.config().mqtt, ...overrides };
    const port = this.#ctx.host.mqtt;
    const settings = sessionOptions(mqtt, effectiveClientId(mqtt.client_id, this.#options.deviceId?.()) + '-test');
    if (!port || !settings.ok) {
      return Promise.resolve({ ok: false, broker: mqtt.broker_uri, error: port ? (settings as { error: string }).error : NO_TRANSPORT, duration_ms: 0 });
    }
    return testBrokerConnection(port, this.#ctx.host.clock, settings.options, timeoutMs);
  }

  status(): MqttStatus {
    const mqtt = this.#ctx.config().mqtt;
    const now = this.#ctx.host.clock.now();
    const connectedAt = this.#session?.connectedAt;
    return {
      state: this.#state,
      enabled: mqtt.enabled,
      broker: mqtt.broker_uri,
      client_id: this.clientId,
      last_error: this.#lastError,
      last_disconnect_reason: this.#lastDisconnect,
      published_count: this.#counters.published,
      reconnects: this.#counters.reconnects,
      queued_count: this.#outbox.size,
      inflight_count: this.#inflight.size,
      dropped_count: this.#outbox.dropped,
      coalesced_count: this.#outbox.coalesced,
      connected_for_ms: this.connected && connectedAt !== undefined ? now - connectedAt : 0,
      next_retry_in_ms: this.#state === 'waiting_retry' ? Math.max(0, this.#retryAt - now) : 0,
    };
  }

  metrics(): ModuleMetrics {
    return {
      state: this.#state,
      connected: this.connected,
      published_total: this.#counters.published,
      reconnects_total: this.#counters.reconnects,
      connect_failures_total: this.#counters.connectFailures,
      sessions_lost_total: this.#counters.sessionsLost,
      queued: this.#outbox.size,
      inflight: this.#inflight.size,
      dropped_total: this.#outbox.dropped,
      coalesced_total: this.#outbox.coalesced,
      session_takeovers_total: this.#takeovers,
      skipped_offline_total: this.#counters.skippedOffline,
      not_sent_disabled_total: this.#counters.notSentDisabled,
    };
  }

  #connect(): void {
    const mqtt = this.#ctx.config().mqtt;
    this.#appliedSignature = this.#sessionSignature();
    if (!mqtt.enabled) {
      this.#state = 'disabled';
      return;
    }
    const port = this.#ctx.host.mqtt;
    const will = this.#options.will?.(mqtt);
    const settings = sessionOptions(mqtt, this.clientId, will);
    if (!port || !settings.ok) {
      // Retrying cannot help; the next configuration change tries again.
      this.#state = port ? 'unconfigured' : 'unavailable';
      this.#lastError = settings.ok ? NO_TRANSPORT : settings.error;
      this.#log.warn(`not connecting: ${this.#lastError}`);
      return;
    }
    const session: Session = { connection: undefined, will, connectedAt: undefined };
    this.#session = session;
    this.#state = 'connecting';
    const clock = this.#ctx.host.clock;
    this.#connectTimer = clock.setTimer(this.#connectTimeoutMs, () => {
      if (this.#session !== session) return;
      session.connection?.close();
      this.#sessionEnded(session, `no answer from ${settings.options.uri} within ${formatSeconds(this.#connectTimeoutMs)}`);
    });
    try {
      session.connection = port.connect(settings.options, {
        onConnect: () => {
          if (this.#session === session) this.#sessionUp(session);
        },
        onClose: (reason, closedByBroker) => {
          if (this.#session === session) this.#sessionEnded(session, this.#explainClose(session, reason || 'connection closed', closedByBroker === true));
        },
        onMessage: (topic, payload) => {
          if (this.#session === session) this.#subscriptions.get(topic)?.(payload);
        },
      });
    } catch (error) {
      if (this.#session === session) this.#sessionEnded(session, `cannot start a connection: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  #sessionUp(session: Session): void {
    const clock = this.#ctx.host.clock;
    clock.clear(this.#connectTimer);
    session.connectedAt = clock.now();
    this.#state = 'connected';
    // The error described the attempts before this one; the last disconnect stays on record.
    this.#lastError = '';
    const broker = this.#ctx.config().mqtt.broker_uri;
    this.#log.info(`connected to ${broker}`);
    this.#ctx.bus.publish('mqtt.connected', { broker });
    for (const topic of this.#subscriptions.keys()) session.connection?.subscribe?.(topic);
    this.#pump();
  }

  /** The session failed or was lost (not by our choice): note why and schedule the next attempt. */
  #sessionEnded(session: Session, reason: string): void {
    const now = this.#ctx.host.clock.now();
    const wasConnected = session.connectedAt !== undefined;
    this.#detach(session);
    this.#lastError = reason;
    if (wasConnected) {
      this.#lastDisconnect = reason;
      this.#counters.sessionsLost++;
      if (now - (session.connectedAt as number) >= this.#stableSessionMs) this.#failures = 0;
      this.#log.warn(`connection lost: ${reason}`);
      this.#ctx.bus.publish('mqtt.disconnected', { reason });
    } else {
      this.#shortBrokerCloses = 0;
      this.#counters.connectFailures++;
      this.#log.warn(`connection failed: ${reason}`);
    }
    const delay = backoffDelayMs(this.#failures, this.#backoffBaseMs, this.#backoffMaxMs);
    this.#failures++;
    this.#state = 'waiting_retry';
    this.#retryAt = now + delay;
    this.#retryTimer = this.#ctx.host.clock.setTimer(delay, () => {
      this.#retryTimer = undefined;
      this.#counters.reconnects++;
      this.#connect();
    });
  }

  /** Close the current session by our choice: tell the availability topic first (a clean DISCONNECT suppresses the will). */
  #endSession(reason: string): void {
    const session = this.#session;
    if (!session) return;
    const wasConnected = session.connectedAt !== undefined;
    if (wasConnected && session.will) {
      const { topic, payload, retain } = session.will;
      session.connection?.publish(topic, payload, { qos: 0, retain });
    }
    session.connection?.close();
    this.#detach(session);
    if (wasConnected) this.#ctx.bus.publish('mqtt.disconnected', { reason });
  }

  /**
   * MQTT 3.1.1 brokers drop the older session when a second client connects with the same id,
   * without saying why. Two gateways sharing an id then take turns: each session is closed by
   * the broker soon after it was accepted. Say so instead of "connection closed by the broker".
   * Twice in a row, with the reconnect between accepted: once could be a broker shutting down.
   */
  #explainClose(session: Session, reason: string, closedByBroker: boolean): string {
    const connectedAt = session.connectedAt;
    if (connectedAt === undefined) return reason;
    const lastedMs = this.#ctx.host.clock.now() - connectedAt;
    if (!closedByBroker || lastedMs >= this.#stableSessionMs) {
      this.#shortBrokerCloses = 0;
      return reason;
    }
    if (++this.#shortBrokerCloses < 2) return reason;
    this.#takeovers++;
    return `the broker closed the session ${formatSeconds(lastedMs)} after accepting it: another client with the same id "${this.clientId}" is probably connected (give each gateway its own client id)`;
  }

  /** The settings a session depends on (what needsReconnect covers), as one comparable string. */
  #sessionSignature(): string {
    const mqtt = this.#ctx.config().mqtt;
    const fields: unknown[] = [this.clientId];
    for (const key of Object.keys(mqtt).sort()) if (needsReconnect(`mqtt.${key}`)) fields.push(key, (mqtt as unknown as Record<string, unknown>)[key]);
    return JSON.stringify(fields);
  }

  #restartSession(reason: string): void {
    this.#log.info(`${reason}: starting a new session`);
    this.#endSession(reason);
    this.#clearRetry();
    this.#failures = 0;
    this.#connect();
  }

  #detach(session: Session): void {
    if (this.#session === session) this.#session = undefined;
    this.#ctx.host.clock.clear(this.#connectTimer);
    this.#connectTimer = undefined;
    if (this.#inflight.size > 0) {
      // Unacknowledged messages go again on the next session (at least once, as QoS 1 promises).
      this.#outbox.requeueAtFront(Array.from(this.#inflight));
      this.#inflight.clear();
    }
    this.#state = 'connecting';
  }

  #clearRetry(): void {
    this.#ctx.host.clock.clear(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #send(message: OutgoingMessage): void {
    this.#inflight.add(message);
    this.#session?.connection?.publish(message.topic, message.payload, message.retain ? QOS1_RETAINED : QOS1, (error) => {
      // An error means the connection ended: the message stays in flight and is requeued on close.
      if (!error && this.#inflight.delete(message)) {
        this.#counters.published++;
        this.#pump();
      }
    });
  }

  #pump(): void {
    while (this.connected && this.#outbox.size > 0 && this.#inflight.size < this.#inflightWindow) {
      this.#send(this.#outbox.shift() as OutgoingMessage);
    }
  }
}

const NO_TRANSPORT = 'this host has no MQTT transport';
const QOS1: MqttPublishOptions = { qos: 1, retain: false };
const QOS1_RETAINED: MqttPublishOptions = { qos: 1, retain: true };

/** `configured` when set, else `tinybms-gw-<deviceId>` (at most 23 characters for a 12-digit id, as strict 3.1.1 brokers require). */
export function effectiveClientId(configured: string, deviceId: string | undefined): string {
  const chosen = configured.trim();
  if (chosen !== '') return chosen;
  return deviceId ? `${FALLBACK_CLIENT_ID}-${deviceId}` : FALLBACK_CLIENT_ID;
}
