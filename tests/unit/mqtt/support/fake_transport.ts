/**
 * A scripted MQTT transport for policy tests: each connect() is recorded, and the test decides
 * when the broker accepts, refuses, acknowledges or drops. Callbacks are deferred through the
 * virtual clock, as a real transport never calls back inside the call that caused it.
 */
import type {
  MqttConnection,
  MqttConnectionHandlers,
  MqttConnectOptions,
  MqttPort,
  MqttPublishOptions,
  MqttPublishSettled,
} from '../../../../hosts/ports/mqtt';
import type { VirtualClock } from '../../../../hosts/mocks/virtual_clock';

export interface SentMessage {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
  settled?: MqttPublishSettled;
  acked: boolean;
}

/** How a new connection behaves unless the test drives it by hand. */
export type BrokerBehaviour = 'accept' | 'refuse' | 'silent';

export class FakeConnection implements MqttConnection {
  readonly sent: SentMessage[] = [];
  readonly subscriptions: string[] = [];
  closedByClient = false;
  ended = false;
  #clock: VirtualClock;

  constructor(
    readonly options: MqttConnectOptions,
    readonly handlers: MqttConnectionHandlers,
    readonly openedAt: number,
    clock: VirtualClock,
  ) {
    this.#clock = clock;
  }

  publish(topic: string, payload: string | Uint8Array, options: MqttPublishOptions, settled?: MqttPublishSettled): void {
    const text = typeof payload === 'string' ? payload : String.fromCharCode(...payload);
    const message: SentMessage = { topic, payload: text, qos: options.qos, retain: options.retain, settled, acked: false };
    this.sent.push(message);
    if (options.qos === 0 && !this.ended) this.#later(() => settled?.());
  }

  subscribe(topic: string): void {
    this.subscriptions.push(topic);
  }

  close(): void {
    if (this.ended) return;
    this.closedByClient = true;
    this.#end('closed by client');
  }

  accept(): void {
    this.#later(() => this.handlers.onConnect());
  }

  /** The broker or network ends the connection (`closedByBroker`: the broker closed an accepted session). */
  drop(reason: string, closedByBroker = false): void {
    if (this.ended) return;
    this.#end(reason, closedByBroker);
  }

  /** The broker forwards a message to us. */
  deliver(topic: string, text: string): void {
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    this.#later(() => this.handlers.onMessage?.(topic, bytes));
  }

  /** PUBACK for every QoS 1 message not yet acknowledged. */
  ackAll(): void {
    for (const message of this.sent) if (message.qos === 1 && !message.acked) this.#ack(message);
  }

  ackFirst(count: number): void {
    for (const message of this.sent.filter((m) => m.qos === 1 && !m.acked).slice(0, count)) this.#ack(message);
  }

  #ack(message: SentMessage): void {
    message.acked = true;
    this.#later(() => message.settled?.());
  }

  #end(reason: string, closedByBroker = false): void {
    this.ended = true;
    this.#later(() => {
      for (const message of this.sent) if (message.qos === 1 && !message.acked) message.settled?.(`connection closed: ${reason}`);
      this.handlers.onClose(reason, closedByBroker);
    });
  }

  #later(fn: () => void): void {
    this.#clock.setTimer(0, fn);
  }
}

export class FakeMqttTransport implements MqttPort {
  readonly connections: FakeConnection[] = [];
  behaviour: BrokerBehaviour = 'accept';
  refusal = 'connection refused by 127.0.0.1:1883';

  constructor(readonly clock: VirtualClock) {}

  connect(options: MqttConnectOptions, handlers: MqttConnectionHandlers): MqttConnection {
    const connection = new FakeConnection(options, handlers, this.clock.now(), this.clock);
    this.connections.push(connection);
    if (this.behaviour === 'accept') connection.accept();
    else if (this.behaviour === 'refuse') connection.drop(this.refusal);
    return connection;
  }

  get last(): FakeConnection {
    const last = this.connections[this.connections.length - 1];
    if (!last) throw new Error('no connection attempt yet');
    return last;
  }

  /** Times between consecutive connection attempts, ms. */
  attemptGaps(): number[] {
    return this.connections.slice(1).map((c, i) => c.openedAt - this.connections[i].openedAt);
  }
}
