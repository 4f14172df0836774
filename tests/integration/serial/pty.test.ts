/**
 * The real tty path end to end: `tinybms-gw simulate --serial` (a separate process, the byte-exact
 * TinyBMS simulator) on one end of a socat PTY pair, the gateway with SERIAL_PORT's composition
 * (npm serialport, 115200 8N1) on the other. Asserts decoded live data and the CAN frames built
 * from it, partial reads reassembled, and a vanished device taking charge permission away.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSerialGateway, type SerialGateway } from '../../../hosts/node/serial_gateway';
import { startSerialSimulator } from '../../../hosts/node/cli/simulate';
import { openNodeSerial } from '../../../hosts/node/serial_port';
import { TinyBmsSimulator } from '../../../hosts/mocks/tinybms/index';
import { NodeClock } from '../../../hosts/node/clock';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import type { SerialPort } from '../../../hosts/ports/serial';
import { openPtyPair, type PtyPair } from './pty_pair';

jest.setTimeout(30_000);

const ROOT = path.resolve(__dirname, '../../..');
let pty: PtyPair | undefined;
let gateway: SerialGateway | undefined;
let dataDir: string;
const quiet = { log: () => undefined };

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function newestFrame(app: SerialGateway, id: number) {
  for (let i = app.can.sent.length - 1; i >= 0; i--) if (app.can.sent[i].id === id) return app.can.sent[i];
  return undefined;
}

function decoded(app: SerialGateway, id: number): Record<string, unknown> {
  const frame = newestFrame(app, id);
  if (!frame) throw new Error(`no frame 0x${id.toString(16)} sent`);
  const result = decodeCanFrame(frame.id, frame.data);
  if (!result.ok) throw new Error(result.error);
  return result.frame.fields;
}

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-pty-'));
  pty = await openPtyPair();
});

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await pty?.close();
  pty = undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('gateway on a real tty', () => {
  it('polls `tinybms-gw simulate --serial` through a PTY pair and publishes CAN frames from what it decoded', async () => {
    const pair = pty as PtyPair;
    const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin/tinybms-gw.mjs'), 'simulate', '--serial', pair.a, '--mode', 'test', '--seed', '5'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await until('the simulator to open its tty', () => out.includes(`simulating TinyBMS on ${pair.a}`));
      const app = startSerialGateway({ dataDir, port: 0, serialPath: pair.b, log: quiet });
      gateway = app;
      await app.serial.whenOpen();

      const data = await until('valid live data', () => {
        const latest = app.gateway.uart.latest();
        return latest?.data_valid ? latest : undefined;
      });
      // Test mode: the fixed 16S 280 Ah pack at 99 % (pack_presets.ts), all in range.
      expect(data.cell_count).toBe(16);
      expect(data.cell_voltage_mv).toHaveLength(16);
      const cellSum = data.cell_voltage_mv.reduce((a, b) => a + b, 0) / 1000;
      expect(Math.abs(data.pack_voltage_v - cellSum)).toBeLessThan(0.5);
      expect(data.state_of_charge_pct).toBeGreaterThan(95);
      // Register 40 (whole mV) against the cells' 0.1 mV readings.
      expect(Math.abs(data.min_cell_voltage_mv - Math.min(...data.cell_voltage_mv))).toBeLessThan(1);

      await until('0x351 and 0x355 on the CAN bus', () => newestFrame(app, 0x351) && newestFrame(app, 0x355));
      const limits = app.gateway.canPublisher.currentLimits();
      expect(limits?.charge_voltage_limit_v).toBeGreaterThan(50);
      expect(decoded(app, 0x351).charge_voltage_limit_v).toBeCloseTo(limits?.charge_voltage_limit_v ?? NaN, 1);
      expect(decoded(app, 0x355).state_of_charge_pct).toBe(Math.round(app.gateway.uart.latest()?.state_of_charge_pct ?? NaN));

      const metrics = app.gateway.uart.metrics();
      expect(metrics.polls_ok).toBeGreaterThan(0);
      expect(metrics.online).toBe(true);

      // The device goes away: the poller times out, the BMS goes offline, no more 0x351.
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      await until('the BMS link to drop', () => app.gateway.uart.isOnline() === false);
      await until('charge permission withdrawn', () => app.gateway.canPublisher.currentLimits()?.charge_allowed === false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('reassembles answers that arrive in small pieces with gaps (partial reads on the tty)', async () => {
    const pair = pty as PtyPair;
    const clock = new NodeClock();
    const device = openNodeSerial({ path: pair.a });
    await device.whenOpen();
    // The BMS end writes each answer as 5-byte pieces 4 ms apart, so the gateway reads fragments
    // (the tty may still merge pieces that queue up together; it cannot merge whole answers).
    const slow: SerialPort = {
      write(bytes) {
        for (let at = 0, n = 0; at < bytes.length; at += 5, n++) {
          const piece = bytes.slice(at, at + 5);
          setTimeout(() => device.write(piece), n * 4);
        }
      },
      onReceive: (cb) => device.onReceive(cb),
    };
    const simulator = new TinyBmsSimulator({ clock, serial: slow, mode: 'test', seed: 9 });
    simulator.start();
    try {
      const app = startSerialGateway({ dataDir, port: 0, serialPath: pair.b, log: quiet });
      gateway = app;
      const chunks: number[] = [];
      app.serial.onReceive((bytes) => chunks.push(bytes.length));
      await until('three good polls', () => (app.gateway.uart.metrics().polls_ok as number) >= 3, 20_000);
      const metrics = app.gateway.uart.metrics();
      // Far more reads than frames: answers came in pieces, and every one was reassembled.
      expect(chunks.length).toBeGreaterThan(3 * (metrics.good_frames as number));
      expect(app.gateway.uart.latest()?.cell_count).toBe(16);
      expect(metrics.crc_errors).toBe(0);
      expect(metrics.polls_failed).toBe(0);
    } finally {
      simulator.stop();
      clock.clearAll();
      await device.close();
    }
  });

  it('reports a device that cannot be opened and keeps the BMS offline', async () => {
    const lines: string[] = [];
    const app = startSerialGateway({ dataDir, port: 0, serialPath: path.join(dataDir, 'no-such-tty'), log: { log: (_l, tag, text) => lines.push(`${tag}: ${text}`) } });
    gateway = app;
    await expect(app.serial.whenOpen()).rejects.toThrow(/no-such-tty/);
    expect(lines.some((l) => l.startsWith('serial: ') && l.includes('no-such-tty'))).toBe(true);
    await until('the BMS to be declared offline', () => app.gateway.uart.isOnline() === false);
    expect(app.gateway.canPublisher.currentLimits()?.charge_allowed ?? false).toBe(false);
  });

  it('the simulate command refuses a missing --serial and an unopenable device', async () => {
    const { runCli } = await import('../../../hosts/node/cli/main');
    const errors: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => errors.push(t) };
    expect(await runCli(['simulate'], io)).toBe(1);
    expect(errors.join('')).toMatch(/--serial <device> is required/);
    expect(await runCli(['simulate', '--serial', path.join(dataDir, 'absent')], io)).toBe(2);
    expect(errors.join('')).toMatch(/absent/);
    void startSerialSimulator; // the CLI's own runner, also used above through the binary
  });
});
