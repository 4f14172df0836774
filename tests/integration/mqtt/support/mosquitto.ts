/**
 * A real Mosquitto for one test file: its own config and persistence folder in a temp dir, a free
 * loopback port, optional TLS listener. stop() + start() restarts it on the same port with its
 * retained messages and durable sessions (persistence is saved on SIGTERM).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { terminate } from './process';
import { waitFor } from './wait';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface BrokerTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  requireClientCertificate: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class MosquittoBroker {
  readonly dir: string;
  readonly port: number;
  #process: ChildProcess | undefined;
  #output = '';

  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
  }

  static async start(options: { tls?: BrokerTls } = {}): Promise<MosquittoBroker> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-mosquitto-'));
    const broker = new MosquittoBroker(dir, await freePort());
    const lines = [
      `listener ${broker.port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
    ];
    // As root, Mosquitto would switch to the "mosquitto" user, which cannot read the temp dir.
    if (process.getuid?.() === 0) lines.push('user root');
    if (options.tls) {
      const { caFile, certFile, keyFile, requireClientCertificate } = options.tls;
      lines.push(`cafile ${caFile}`, `certfile ${certFile}`, `keyfile ${keyFile}`, `require_certificate ${requireClientCertificate}`, 'tls_version tlsv1.2');
    }
    fs.writeFileSync(path.join(dir, 'mosquitto.conf'), lines.join('\n') + '\n');
    await broker.start();
    return broker;
  }

  /** What the broker logged so far (for failure messages). */
  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.#process !== undefined;
  }

  async start(): Promise<void> {
    if (this.#process) return;
    const child = spawn(MOSQUITTO, ['-c', path.join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    let exited = false;
    child.once('exit', () => {
      exited = true;
      if (this.#process === child) this.#process = undefined;
    });
    this.#process = child;
    await waitFor(async () => exited || (await canConnect(this.port)), `mosquitto listening on ${this.port}`, 10000);
    if (exited) throw new Error(`mosquitto exited at start:\n${this.#output}`);
  }

  /** SIGTERM and wait for the exit (Mosquitto writes its persistence file first). */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    // Generous grace: Mosquitto saves its persistence file on SIGTERM.
    await terminate(child, 10000);
    this.#process = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
