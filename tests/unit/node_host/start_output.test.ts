/**
 * What `npm start` shows and reads: the live battery/limits line, the CAN frame list, the
 * PORT, SIMULATION_MODE, SIMULATION_SPEED and LOG_LEVEL settings from the environment and `.env`, and the simulated gateway
 * behind it (run on a virtual clock, real files and a real HTTP port) feeding both outputs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { readStartSettings } from '../../../hosts/node/env';
import { batteryLine, canLines } from '../../../hosts/node/live_line';
import { startSimulatedGateway } from '../../../hosts/node/simulated_gateway';
import type { ChargeLimits } from '../../../modules/event_bus/events';
import { liveData } from '../can_victron/test_context';

const limits: ChargeLimits = {
  charge_voltage_limit_v: 55.2,
  charge_current_limit_a: 80,
  discharge_current_limit_a: 150,
  discharge_voltage_limit_v: 46.4,
  charge_allowed: true,
  discharge_allowed: true,
  reasons: ['bulk'],
};

describe('the live line', () => {
  it('shows SOC, voltage, current, the cell range, temperatures, the BMS state and CVL/CCL/DCL', () => {
    const data = liveData(1000, { state_of_charge_pct: 76.04, pack_voltage_v: 53.123, pack_current_a: -12.34, cell_voltage_mv: new Array(16).fill(3320), online_status: 'discharging' });
    data.min_cell_voltage_mv = 3301;
    data.max_cell_voltage_mv = 3329;
    data.cell_delta_mv = 28;
    expect(batteryLine(data, 'discharge', limits)).toBe(
      `SOC 76.0% | 53.12 V -12.3 A | cells 3301–3329 mV (Δ28) | ${data.min_temperature_c.toFixed(1)}–${data.max_temperature_c.toFixed(1)} °C | discharging (sim discharge) | CVL 55.2 V CCL 80.0 A DCL 150.0 A`,
    );
  });

  it('flags withdrawn charge permission and stale data, and says when nothing came yet', () => {
    const stale = { ...liveData(1000), data_valid: false };
    const line = batteryLine(stale, 'idle', { ...limits, charge_current_limit_a: 0, charge_allowed: false });
    expect(line).toMatch(/CCL 0\.0 A DCL 150\.0 A no-charge STALE$/);
    expect(batteryLine(liveData(1000), 'idle', undefined)).toMatch(/\| limits —$/);
    expect(batteryLine(undefined, 'charge', limits)).toBe('[waiting for the BMS] sim charge');
  });

  it('lists the newest frame of each CAN id in id order', () => {
    const frame = (id: number, bytes: number[], t: number) => ({ id, data: Uint8Array.from(bytes), timestamp_ms: t });
    expect(canLines([frame(0x356, [1, 2], 0), frame(0x351, [0x28, 0x02], 1), frame(0x356, [0xab], 2)])).toEqual(['  0x351 28 02', '  0x356 AB']);
  });
});

describe('start settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-env-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has embedded defaults', () => {
    expect(readStartSettings({}, path.join(dir, 'none.env'))).toEqual({ port: 3000, mode: 'realistic', speed: undefined, logLevel: 'info', dataDir: '.data', seed: undefined });
  });

  it('reads .env and lets the environment win over it', () => {
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, '# comment\nPORT=8080\nSIMULATION_MODE="demo"\nSIMULATION_SPEED=5\nLOG_LEVEL=debug\n');
    expect(readStartSettings({ PORT: '9090' }, file)).toMatchObject({ port: 9090, mode: 'demo', speed: 5, logLevel: 'debug' });
  });

  it('names every bad value at once', () => {
    const read = () => readStartSettings({ PORT: 'x', SIMULATION_MODE: 'fast', SIMULATION_SPEED: '-1', LOG_LEVEL: 'loud' }, path.join(dir, 'none.env'));
    expect(read).toThrow(/PORT must be 0–65535[\s\S]*SIMULATION_MODE must be one of[\s\S]*SIMULATION_SPEED must be in[\s\S]*LOG_LEVEL must be one of/);
  });
});

describe('the simulated gateway behind npm start', () => {
  it('feeds the live line with fresh data and limits, and the frame list with 0x351 every second', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-start-'));
    const clock = new VirtualClock(0, Date.UTC(2026, 5, 1, 12));
    const app = startSimulatedGateway({ dataDir, port: 0, mode: 'test', clock, log: { log: () => undefined } });
    try {
      for (let s = 0; s < 12; s++) {
        clock.advance(1000);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const line = batteryLine(app.gateway.uart.latest(), app.simulator.snapshot().phase, app.gateway.canPublisher.currentLimits());
      expect(line).toMatch(/^SOC \d+\.\d% \| \d+\.\d\d V -?\d+\.\d A \| cells \d+–\d+ mV \(Δ\d+\) \| .* \| \w+ \(sim \w+\) \| CVL \d+\.\d V CCL \d+\.\d A DCL \d+\.\d A/);
      expect(line).not.toContain('STALE');
      const frames = canLines(app.can.sent);
      expect(frames.map((l) => l.trim().slice(0, 5))).toEqual(expect.arrayContaining(['0x351', '0x355', '0x356', '0x35A', '0x379']));
      // 0x379 carries the simulated BMS's own capacity (register 306: 280.00 Ah).
      expect(frames.find((l) => l.includes('0x379'))).toBe('  0x379 18 01 00 00 00 00 00 00');
      expect(app.can.sent.filter((f) => f.id === 0x351).length).toBeGreaterThanOrEqual(10);
    } finally {
      await app.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
