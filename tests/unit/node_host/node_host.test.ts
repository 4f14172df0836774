import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogLevel } from '../../../hosts/ports/log';
import type { SerialPort } from '../../../hosts/ports/serial';
import { VirtualCanBus } from '../../../hosts/mocks/can_bus';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { NodeClock } from '../../../hosts/node/clock';
import { ConsoleLog, parseLogLevel } from '../../../hosts/node/log';
import { createNodeHost } from '../../../hosts/node/node_host';
import { createNodeSystem } from '../../../hosts/node/system';
import { ConfigManager } from '../../../modules/config_manager';

const serial: SerialPort = { write() {}, onReceive() {} };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('NodeClock', () => {
  it('fires timers in due order, never before a shorter one, and never a cleared one', async () => {
    const clock = new NodeClock();
    const order: string[] = [];
    const done = new Promise<void>((resolve) => clock.setTimer(30, () => (order.push('30'), resolve())));
    clock.setTimer(0, () => order.push('0'));
    const cleared = clock.setTimer(5, () => order.push('cleared'));
    clock.clear(cleared);
    clock.clear(undefined);
    await done;
    expect(order).toEqual(['0', '30']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('repeats intervals until cleared, and its now() never goes back', async () => {
    const clock = new NodeClock();
    const times: number[] = [];
    await new Promise<void>((resolve) => {
      const handle = clock.setInterval(1, () => {
        times.push(clock.now());
        if (times.length === 3) {
          clock.clear(handle);
          resolve();
        }
      });
    });
    expect(times).toHaveLength(3);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(clock.wallTime()).toBeGreaterThan(Date.UTC(2024, 0, 1));
  });

  it('reports a throwing callback instead of crashing, and clearAll cancels everything', async () => {
    const errors: unknown[] = [];
    const clock = new NodeClock({ onTimerError: (e) => errors.push(e) });
    await new Promise<void>((resolve) => {
      clock.setTimer(0, () => {
        throw new Error('module bug');
      });
      clock.setTimer(1, resolve);
    });
    expect(errors).toEqual([new Error('module bug')]);
    let fired = false;
    clock.setTimer(1, () => (fired = true));
    clock.setInterval(1, () => (fired = true));
    clock.clearAll();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fired).toBe(false);
  });
});

describe('ConsoleLog', () => {
  it('filters below the minimum level and formats one line per message', () => {
    const lines: [LogLevel, string][] = [];
    const log = new ConsoleLog({ minimumLevel: 'warn', write: (level, line) => lines.push([level, line]), wallTime: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    log.log('info', 'uart_bms', 'hidden');
    log.log('warn', 'uart_bms', 'timeout');
    log.setMinimumLevel('debug');
    log.log('debug', 'can', 'frame');
    expect(lines).toEqual([
      ['warn', '2026-01-02T03:04:05.000Z WARN  [uart_bms] timeout'],
      ['debug', '2026-01-02T03:04:05.000Z DEBUG [can] frame'],
    ]);
  });

  it('parses level names, falling back on unknown ones', () => {
    expect(parseLogLevel('debug')).toBe('debug');
    expect(parseLogLevel('verbose', 'warn')).toBe('warn');
    expect(parseLogLevel(undefined)).toBe('info');
  });
});

describe('Node system port', () => {
  it('reports heap figures and uptime, and hands restart to the owner', () => {
    let restarts = 0;
    const system = createNodeSystem({ firmwareVersion: '1.2.3', restart: () => restarts++ });
    const heap = system.heap();
    expect(heap.totalBytes).toBeGreaterThan(0);
    expect(heap.freeBytes).toBeGreaterThanOrEqual(0);
    expect(heap.freeBytes).toBeLessThanOrEqual(heap.totalBytes);
    expect(heap.minimumFreeBytes).toBeLessThanOrEqual(heap.freeBytes);
    expect(system.uptimeMs()).toBeGreaterThanOrEqual(0);
    system.restart();
    expect(restarts).toBe(1);
    expect(system).toMatchObject({ platform: 'node', firmwareVersion: '1.2.3' });
  });
});

describe('createNodeHost', () => {
  it('assembles a host whose store, files and crypto work on the data folder', () => {
    const clock = new VirtualClock();
    const can = new VirtualCanBus({ clock });
    const logged: string[] = [];
    const host = createNodeHost({ serial, can, clock, dataDir: dir, log: { log: (l, t, m) => logged.push(`${l} ${t} ${m}`) } });
    expect(host.serial).toBe(serial);
    expect(host.can).toBe(can);
    expect(host.clock).toBe(clock);
    host.store.put('config', 'x');
    host.files.append('history/a.csv', 'row\n');
    expect(fs.readFileSync(path.join(dir, 'store', 'config.value'), 'utf8')).toBe('x');
    expect(fs.readFileSync(path.join(dir, 'files', 'history', 'a.csv'), 'utf8')).toBe('row\n');
    expect(host.crypto?.sha256(new Uint8Array(0))).toHaveLength(32);
    host.system.restart();
    expect(logged).toEqual(['warn host restart requested, but this process has no restart handler']);
    expect(host.system.platform).toBe('node');
    expect(host.mqtt).toBeUndefined();
  });

  it('runs a ConfigManager that keeps its settings across a host restart', () => {
    const can = new VirtualCanBus({ clock: new VirtualClock() });
    const first = createNodeHost({ serial, can, dataDir: dir, logLevel: 'error' });
    const manager = new ConfigManager({ store: first.store, crypto: first.crypto });
    manager.start();
    expect(manager.update({ mqtt: { topic_prefix: 'home/battery' } }).ok).toBe(true);
    expect(manager.setWebPassword('host-test-pass').ok).toBe(true);
    first.close();
    const second = createNodeHost({ serial, can, dataDir: dir, logLevel: 'error' });
    const again = new ConfigManager({ store: second.store, crypto: second.crypto });
    again.start();
    expect(again.get().mqtt.topic_prefix).toBe('home/battery');
    expect(again.verifyWebPassword('admin', 'host-test-pass')).toBe(true);
    second.close();
  });
});
