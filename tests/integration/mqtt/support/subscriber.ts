/**
 * An independent MQTT client for checking what reached the broker: mosquitto_sub, one JSON line
 * per message (-F %j) with topic, QoS, retain flag and payload; -d tells us when SUBACK arrived.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { terminate } from './process';
import { waitFor } from './wait';

export interface ReceivedMessage {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

export interface SubscriberOptions {
  topics: string[];
  /** A fixed id and a durable session (-c): the broker keeps QoS 1 messages for it while it is away. */
  durableId?: string;
  tls?: { caFile: string; certFile?: string; keyFile?: string };
}

export class Subscriber {
  readonly messages: ReceivedMessage[] = [];
  #process: ChildProcess;
  #subscribed = false;
  #log = '';
  #partial = '';

  private constructor(port: number, options: SubscriberOptions) {
    const args = ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-d', '-F', '%j', '-V', 'mqttv311'];
    for (const topic of options.topics) args.push('-t', topic);
    if (options.durableId) args.push('-i', options.durableId, '-c');
    if (options.tls) {
      args.push('--cafile', options.tls.caFile);
      if (options.tls.certFile && options.tls.keyFile) args.push('--cert', options.tls.certFile, '--key', options.tls.keyFile);
    }
    // Line-buffered, or the SUBACK debug line may wait in a pipe buffer.
    this.#process = spawn('stdbuf', ['-oL', 'mosquitto_sub', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#process.stdout?.on('data', (chunk: Buffer) => this.#onOutput(chunk.toString()));
    this.#process.stderr?.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
  }

  static async start(port: number, options: SubscriberOptions): Promise<Subscriber> {
    const subscriber = new Subscriber(port, options);
    await waitFor(() => subscriber.#subscribed, `mosquitto_sub SUBACK (${subscriber.#log})`);
    return subscriber;
  }

  on(topic: string): ReceivedMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  async next(topic: string, predicate: (m: ReceivedMessage) => boolean = () => true, timeoutMs = 5000): Promise<ReceivedMessage> {
    let found: ReceivedMessage | undefined;
    await waitFor(() => (found = this.on(topic).find(predicate)) !== undefined, `a message on ${topic}`, timeoutMs);
    return found as ReceivedMessage;
  }

  async stop(): Promise<void> {
    await terminate(this.#process);
  }

  #onOutput(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{')) {
        const json = JSON.parse(line) as { topic: string; payload?: string; qos: number; retain: number };
        this.messages.push({ topic: json.topic, payload: json.payload ?? '', qos: json.qos, retain: json.retain === 1 });
      } else if (line.includes('received SUBACK')) {
        this.#subscribed = true;
      } else {
        this.#log += line + '\n';
      }
    }
  }
}
