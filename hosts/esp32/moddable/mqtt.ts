/**
 * MqttPort on the SDK's classic MQTT client (modules/network/mqtt), with SecureSocket for
 * mqtts://. That client cannot see PUBACKs, so QoS 1 publishes settle when handed to the socket
 * (the port contract allows it), and it gives no reason when a session ends, so the reason says
 * what phase the session was in. Every callback to the core is deferred to a timer.
 */
import Client from 'mqtt';
import SecureSocket from 'securesocket';
import type { ClockPort } from '../../ports/clock';
import type { MqttConnectOptions, MqttConnection, MqttConnectionHandlers, MqttPort, MqttPublishOptions, MqttPublishSettled } from '../../ports/mqtt';
import { parseBrokerUri } from '../../../modules/mqtt_client/session_options';
import { pemToDer } from './pem';

function toArrayBuffer(payload: string | Uint8Array): string | ArrayBuffer {
  if (typeof payload === 'string') return payload;
  return payload.slice().buffer;
}

function tlsSettings(options: MqttConnectOptions): Record<string, unknown> {
  // TLS 1.2 at least; the SDK's TLS stack has no 1.3.
  const secure: Record<string, unknown> = { protocolVersion: 0x0303 };
  const tls = options.tls;
  if (tls?.ca) secure.certificate = pemToDer(tls.ca, 'CERTIFICATE');
  if (tls?.cert && tls.key) {
    secure.clientCertificates = [pemToDer(tls.cert, 'CERTIFICATE')];
    secure.clientKey = pemToDer(tls.key, 'PRIVATE KEY');
  }
  return secure;
}

class SdkMqttConnection implements MqttConnection {
  #client: Client | undefined;
  #clock: ClockPort;
  #handlers: MqttConnectionHandlers;
  #ready = false;
  #closed = false;

  constructor(options: MqttConnectOptions, handlers: MqttConnectionHandlers, clock: ClockPort) {
    this.#clock = clock;
    this.#handlers = handlers;
    let client: Client;
    try {
      const broker = parseBrokerUri(options.uri);
      if (!broker) throw new Error(`"${options.uri}" is not a broker URI (mqtt://host[:port] or mqtts://host[:port])`);
      client = new Client({
        host: broker.host,
        port: broker.port,
        id: options.clientId,
        user: options.username || undefined,
        password: options.username ? options.password : undefined,
        timeout: options.keepaliveS * 1000,
        will: options.will && { topic: options.will.topic, message: options.will.payload, quality: options.will.qos, retain: options.will.retain },
        ...(broker.secure ? { Socket: SecureSocket, secure: tlsSettings(options) } : {}),
      });
    } catch (error) {
      this.#end(`could not start the MQTT connection: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.#client = client;
    client.onReady = () => {
      this.#ready = true;
      this.#later(() => this.#handlers.onConnect());
    };
    client.onMessage = (topic, payload) => this.#later(() => this.#handlers.onMessage?.(topic, new Uint8Array(payload)));
    // The SDK client gives no reason; an accepted session that ends is reported as closed by the broker (a takeover looks like this).
    client.onClose = () => this.#end(this.#ready ? 'the broker connection was lost' : 'the broker could not be reached or refused the session', this.#ready);
  }

  publish(topic: string, payload: string | Uint8Array, options: MqttPublishOptions, settled?: MqttPublishSettled): void {
    const client = this.#client;
    if (!client || !this.#ready || this.#closed) {
      if (settled) this.#later(() => settled('not connected'));
      return;
    }
    try {
      client.publish(topic, toArrayBuffer(payload), { quality: options.qos, retain: options.retain });
      if (settled) this.#later(() => settled());
    } catch (error) {
      const reason = `publish failed: ${error instanceof Error ? error.message : String(error)}`;
      if (settled) this.#later(() => settled(reason));
    }
  }

  subscribe(topic: string): void {
    if (this.#ready && !this.#closed) this.#client?.subscribe(topic);
  }

  close(): void {
    if (this.#closed) return;
    const client = this.#client;
    this.#end('closed by the client');
    try {
      client?.close();
    } catch {
      // The socket may already be gone.
    }
  }

  #end(reason: string, closedByBroker = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ready = false;
    this.#later(() => this.#handlers.onClose(reason, closedByBroker));
  }

  #later(fn: () => void): void {
    this.#clock.setTimer(0, fn);
  }
}

export class SdkMqttPort implements MqttPort {
  #clock: ClockPort;

  constructor(clock: ClockPort) {
    this.#clock = clock;
  }

  connect(options: MqttConnectOptions, handlers: MqttConnectionHandlers): MqttConnection {
    return new SdkMqttConnection(options, handlers, this.#clock);
  }
}
