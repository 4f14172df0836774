/**
 * MqttPort on Node: MQTT 3.1.1 packets encoded and parsed by mqtt-packet over node:net or
 * node:tls. One object per connection attempt; the core's mqtt_client decides about retries.
 * Errors become sentences a user can act on (refused, unknown host, untrusted certificate, …).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { generate, parser as createParser, type Packet } from 'mqtt-packet';
import { type BrokerAddress, parseBrokerUri } from '../../modules/mqtt_client/session_options';
import type {
  MqttConnection,
  MqttConnectionHandlers,
  MqttConnectOptions,
  MqttPort,
  MqttPublishOptions,
  MqttPublishSettled,
} from '../ports/mqtt';
import { closedBeforeSession, describeSocketError, notMqttAnswer, refusalReason } from './mqtt_errors';

type ConnectionState = 'opening' | 'connected' | 'closing' | 'closed';

/** How long a DISCONNECT may take before the socket is torn down anyway. */
const CLOSE_GRACE_MS = 1000;

class NodeMqttConnection implements MqttConnection {
  #options: MqttConnectOptions;
  #handlers: MqttConnectionHandlers;
  #address: BrokerAddress | undefined;
  #socket: net.Socket | undefined;
  #parser = createParser({ protocolVersion: 4 });
  #state: ConnectionState = 'opening';
  #closeReason: string | undefined;
  #pending = new Map<number, MqttPublishSettled | undefined>();
  #nextMessageId = 1;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #awaitingPingResponse = false;
  #answered = false;

  constructor(options: MqttConnectOptions, handlers: MqttConnectionHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.#address = parseBrokerUri(options.uri);
    if (!this.#address) {
      this.#failBeforeSocket(`"${options.uri}" is not a broker URI (use mqtt://host[:port] or mqtts://host[:port])`);
      return;
    }
    try {
      this.#socket = this.#open(this.#address);
    } catch (error) {
      // tls.connect throws at once on unreadable PEM material.
      this.#failBeforeSocket(`TLS settings rejected: ${(error as Error).message}`);
      return;
    }
    this.#parser.on('packet', (packet) => this.#onPacket(packet));
    this.#parser.on('error', (error: Error) => this.#fail(`protocol error from the broker: ${error.message}`));
  }

  publish(topic: string, payload: string | Uint8Array, options: MqttPublishOptions, settled?: MqttPublishSettled): void {
    if (this.#state !== 'connected' || !this.#socket) {
      setImmediate(() => settled?.('not connected'));
      return;
    }
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    if (options.qos === 1) {
      const messageId = this.#allocateMessageId();
      this.#pending.set(messageId, settled);
      this.#write({ cmd: 'publish', topic, payload: body, qos: 1, retain: options.retain, dup: false, messageId });
    } else {
      this.#write({ cmd: 'publish', topic, payload: body, qos: 0, retain: options.retain, dup: false }, (error) =>
        settled?.(error ? `write failed: ${error.message}` : undefined),
      );
    }
  }

  subscribe(topic: string): void {
    if (this.#state !== 'connected') return;
    this.#write({ cmd: 'subscribe', messageId: this.#allocateMessageId(), subscriptions: [{ topic, qos: 0 }] });
  }

  close(): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#closeReason ??= 'closed by the client';
    const socket = this.#socket;
    if (!socket) return;
    if (this.#state === 'connected') {
      this.#state = 'closing';
      this.#write({ cmd: 'disconnect' });
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    } else {
      this.#state = 'closing';
      socket.destroy();
    }
  }

  /** Power-cut simulation: the socket goes without a DISCONNECT, so the broker publishes the will. */
  drop(reason: string): void {
    this.#closeReason ??= reason;
    this.#socket?.destroy();
  }

  #open(address: BrokerAddress): net.Socket {
    let socket: net.Socket;
    if (address.secure) {
      const tlsOptions = this.#options.tls ?? {};
      socket = tls.connect({
        host: address.host,
        port: address.port,
        // SNI must be a name, never an IP literal; certificate checks still use `host`.
        servername: net.isIP(address.host) === 0 ? address.host : undefined,
        ca: tlsOptions.ca,
        cert: tlsOptions.cert,
        key: tlsOptions.key,
        rejectUnauthorized: true,
      });
      socket.once('secureConnect', () => this.#sendConnect());
    } else {
      socket = net.connect({ host: address.host, port: address.port });
      socket.once('connect', () => this.#sendConnect());
    }
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk, address));
    socket.on('error', (error: NodeJS.ErrnoException) => this.#fail(describeSocketError(error, address)));
    socket.on('close', () => this.#finish());
    return socket;
  }

  #sendConnect(): void {
    const { clientId, keepaliveS, username, password, will } = this.#options;
    this.#write({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId,
      keepalive: keepaliveS,
      username,
      password: password === undefined ? undefined : Buffer.from(password, 'utf8'),
      will: will && { topic: will.topic, payload: Buffer.from(will.payload, 'utf8'), qos: will.qos, retain: will.retain },
    });
  }

  /** A broker's first bytes are a CONNACK (0x20); anything else is some other server on that port. */
  #onData(chunk: Buffer, address: BrokerAddress): void {
    if (!this.#answered && chunk.length > 0) {
      this.#answered = true;
      if (chunk[0] !== 0x20) {
        this.#fail(notMqttAnswer(chunk, address));
        return;
      }
    }
    this.#parser.parse(chunk);
  }

  #onPacket(packet: Packet): void {
    this.#awaitingPingResponse = false;
    switch (packet.cmd) {
      case 'connack':
        if (this.#state !== 'opening') return;
        if (packet.returnCode) {
          this.#fail(refusalReason(packet.returnCode));
          return;
        }
        this.#state = 'connected';
        this.#startKeepalive();
        this.#handlers.onConnect();
        return;
      case 'puback': {
        const settled = this.#pending.get(packet.messageId ?? -1);
        if (this.#pending.delete(packet.messageId ?? -1)) settled?.();
        return;
      }
      case 'publish':
        if (packet.qos === 1) this.#write({ cmd: 'puback', messageId: packet.messageId });
        this.#handlers.onMessage?.(packet.topic, new Uint8Array(typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload));
        return;
      default:
        return; // pingresp, suback: nothing beyond proving the broker is alive
    }
  }

  #startKeepalive(): void {
    const periodMs = this.#options.keepaliveS * 1000;
    if (periodMs <= 0) return;
    this.#keepalive = setInterval(() => {
      if (this.#awaitingPingResponse) {
        this.#fail(`no answer from the broker within the keepalive (${this.#options.keepaliveS} s)`);
        return;
      }
      this.#awaitingPingResponse = true;
      this.#write({ cmd: 'pingreq' });
    }, periodMs);
    this.#keepalive.unref();
  }

  #write(packet: Packet, done?: (error?: Error | null) => void): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed) {
      if (done) setImmediate(() => done(new Error('socket closed')));
      return;
    }
    socket.write(generate(packet), done);
  }

  #allocateMessageId(): number {
    for (let i = 0; i < 0xffff; i++) {
      const id = this.#nextMessageId;
      this.#nextMessageId = id === 0xffff ? 1 : id + 1;
      if (!this.#pending.has(id)) return id;
    }
    throw new Error('all 65535 MQTT message ids are awaiting acknowledgement');
  }

  #fail(reason: string): void {
    this.#closeReason ??= reason;
    this.#socket?.destroy();
  }

  #failBeforeSocket(reason: string): void {
    this.#closeReason = reason;
    setImmediate(() => this.#finish());
  }

  /** The socket is gone: settle what waited on it and tell the client once. */
  #finish(): void {
    if (this.#state === 'closed') return;
    const wasConnected = this.#state === 'connected' || this.#state === 'closing';
    this.#state = 'closed';
    clearInterval(this.#keepalive);
    // No reason of our own: the broker closed the connection (after the session was accepted: a takeover looks like this).
    const closedByBroker = this.#closeReason === undefined && wasConnected;
    const reason = this.#closeReason ?? (wasConnected ? 'connection closed by the broker' : closedBeforeSession(this.#address as BrokerAddress));
    for (const settled of this.#pending.values()) settled?.(reason);
    this.#pending.clear();
    this.#handlers.onClose(reason, closedByBroker);
  }
}

export class NodeMqttTransport implements MqttPort {
  #open = new Set<NodeMqttConnection>();

  connect(options: MqttConnectOptions, handlers: MqttConnectionHandlers): MqttConnection {
    const connection: NodeMqttConnection = new NodeMqttConnection(options, {
      onConnect: () => handlers.onConnect(),
      onClose: (reason, closedByBroker) => {
        this.#open.delete(connection);
        handlers.onClose(reason, closedByBroker);
      },
      onMessage: (topic, payload) => handlers.onMessage?.(topic, payload),
    });
    this.#open.add(connection);
    return connection;
  }

  /** Resolves when every connection has closed (a DISCONNECT written and the socket gone), or after `timeoutMs`. */
  whenAllClosed(timeoutMs = 2000): Promise<void> {
    return new Promise((resolve) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        if (this.#open.size === 0 || Date.now() >= deadline) resolve();
        else setTimeout(check, 10).unref();
      };
      check();
    });
  }

  /** Connections not yet closed. */
  get openConnections(): number {
    return this.#open.size;
  }

  /** Cut every connection without DISCONNECT (the simulator's "network lost"; tests of the last will). */
  dropAll(reason = 'connection dropped'): void {
    for (const connection of this.#open) connection.drop(reason);
  }
}
