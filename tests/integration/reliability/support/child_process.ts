/**
 * Runs the gateway child (gateway_child.ts) as a real process: bundled once with esbuild so a
 * start costs a Node start, not a TypeScript compile; lines of its stdout are parsed as they come.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

export interface ReadyReport {
  port: number;
  marker: number;
  battery_name: string;
  max_charge_current_a: number;
  recovery: { recovery: 'none' | 'recovered' | 'reset'; cause: string; problem: string; damaged_kept: boolean };
  energy: { charged_wh: number; discharged_wh: number };
  alerts: string[];
  events: number;
}

export interface EnergyReading {
  t: number;
  charged_wh: number;
  discharged_wh: number;
}

export function bundleChild(): string {
  const out = path.join(os.tmpdir(), `tinybms-gateway-child-${process.pid}.mjs`);
  buildSync({
    entryPoints: [path.join(__dirname, 'gateway_child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    external: ['bufferutil', 'utf-8-validate'],
    logLevel: 'error',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return out;
}

export class GatewayChild {
  readonly process: ChildProcess;
  readonly acks: number[] = [];
  readonly energy: EnergyReading[] = [];
  readonly stderr: string[] = [];
  canFrames = 0;
  save: { ok: boolean; errors?: { message: string }[] } | undefined;
  ready: ReadyReport | undefined;
  #exited: Promise<number | null>;
  #whenReady: Promise<ReadyReport>;

  constructor(bundle: string, dataDir: string, options: { hammer?: boolean; probeSave?: boolean; cwd?: string } = {}) {
    this.process = spawn(process.execPath, [bundle], {
      env: { ...process.env, DATA_DIR: dataDir, HAMMER: options.hammer ? '1' : '0', PROBE_SAVE: options.probeSave ? '1' : '0' },
      cwd: options.cwd ?? process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
    let resolveReady: (report: ReadyReport) => void = () => {};
    let rejectReady: (error: Error) => void = () => {};
    this.#whenReady = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.#exited.then((code) => rejectReady(new Error(`the gateway exited (${code}) before it was ready: ${this.stderr.join('').slice(-2000)}`)));
    let buffer = '';
    this.process.stdout?.setEncoding('utf8');
    this.process.stdout?.on('data', (text: string) => {
      buffer += text;
      let at: number;
      while ((at = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        if (line.startsWith('ACK ')) this.acks.push(Number(line.slice(4)));
        else if (line.startsWith('ENERGY ')) this.energy.push(JSON.parse(line.slice(7)) as EnergyReading);
        else if (line.startsWith('CAN ')) this.canFrames = Number(line.slice(4));
        else if (line.startsWith('SAVE ')) this.save = JSON.parse(line.slice(5));
        else if (line.startsWith('READY ')) {
          this.ready = JSON.parse(line.slice(6)) as ReadyReport;
          resolveReady(this.ready);
        }
      }
    });
    this.process.stderr?.setEncoding('utf8');
    this.process.stderr?.on('data', (text: string) => this.stderr.push(text));
  }

  whenReady(timeoutMs = 30_000): Promise<ReadyReport> {
    return Promise.race([
      this.#whenReady,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms: ${this.stderr.join('').slice(-2000)}`)), timeoutMs).unref()),
    ]);
  }

  /** SIGKILL: no handler runs, nothing is flushed — as close to a power cut as a process gets. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    await this.#exited;
  }

  exited(): Promise<number | null> {
    return this.#exited;
  }
}

export function tempDataDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Resolves when `check` holds, polling every 50 ms; rejects with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
