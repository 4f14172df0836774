/**
 * A minimal client of the xsnap-worker process (XS with per-command metering) from
 * @agoric/xsnap: netstrings over fds 3 (to XS) and 4 (from XS). Enough for the bench: evaluate a
 * script, issue commands, read each command's meter (computrons, heap slots, chunk bytes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface MeterUsage {
  compute: number;
  allocate: number;
  currentHeapCount: number;
}

const WORKER = join(process.cwd(), 'node_modules/@agoric/xsnap/xsnap-native/xsnap/build/bin/lin/release/xsnap-worker');

export class XsnapWorker {
  #process: ChildProcess;
  #toXs: Writable;
  #buffer = Buffer.alloc(0);
  #waiting: ((message: Buffer) => void)[] = [];
  #messages: Buffer[] = [];

  constructor() {
    if (!existsSync(WORKER)) throw new Error(`xsnap-worker not built at ${WORKER} (npm ci runs its install script)`);
    this.#process = spawn(WORKER, ['bench', '-l', '100000000'], { stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'] });
    this.#toXs = this.#process.stdio[3] as Writable;
    (this.#process.stdio[4] as Readable).on('data', (chunk: Buffer) => this.#receive(chunk));
  }

  async evaluate(code: string): Promise<MeterUsage> {
    this.#send(Buffer.concat([Buffer.from('e'), Buffer.from(code)]));
    return (await this.#reply()).meter;
  }

  async command(message: string): Promise<{ meter: MeterUsage; reply: string }> {
    this.#send(Buffer.concat([Buffer.from('?'), Buffer.from(message)]));
    return this.#reply();
  }

  close(): void {
    this.#process.kill();
  }

  #send(payload: Buffer): void {
    this.#toXs.write(Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(',')]));
  }

  async #reply(): Promise<{ meter: MeterUsage; reply: string }> {
    const message = await this.#next();
    if (message[0] === 0x21) throw new Error(`XS threw: ${message.subarray(1).toString()}`);
    if (message[0] !== 0x2e) throw new Error(`xsnap protocol: unexpected message ${message.subarray(0, 40).toString()}`);
    const separator = message.indexOf(1, 1);
    const meter = JSON.parse(message.subarray(1, separator).toString()) as MeterUsage;
    return { meter, reply: message.subarray(separator + 1).toString() };
  }

  #next(): Promise<Buffer> {
    const ready = this.#messages.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.#buffer.subarray(0, colon).toString());
      if (this.#buffer.length < colon + 1 + length + 1) return;
      const message = this.#buffer.subarray(colon + 1, colon + 1 + length);
      this.#buffer = this.#buffer.subarray(colon + 2 + length);
      const waiter = this.#waiting.shift();
      if (waiter) waiter(message);
      else this.#messages.push(message);
    }
  }
}
