/**
 * `tinybms-gw decode uart`: the real launcher spawned as a process (exit codes, stdout/stderr),
 * then the dispatcher in-process for the many frame kinds.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { runCli, SUBCOMMANDS } from '../../../hosts/node/cli/main';
import type { Subcommand } from '../../../hosts/node/cli/command';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/tinybms-gw.mjs');

function spawnCli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function inProcess(args: string[], subcommands?: readonly Subcommand[]) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, subcommands);
  return { status, stdout, stderr, json: () => JSON.parse(stdout) };
}

describe('bin/tinybms-gw.mjs (spawned)', () => {
  it('decodes a response frame to JSON on stdout and exits 0', () => {
    const run = spawnCli('decode', 'uart', 'AA 14 B8 1E 5F 42 D5 75');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ command: 'read_pack_voltage', kind: 'response', pack_voltage_v: 55.78 });
  });

  it('exits 2 with a one-line reason on stderr for a CRC-failing frame (JONAS AA 14 7E AF)', () => {
    const run = spawnCli('decode', 'uart', 'AA147EAF');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/CRC check failed/);
  });

  it('exits 2 for text that is not hex', () => {
    const run = spawnCli('decode', 'uart', 'AA 0G');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/not a hex frame/);
  });

  it('exits 1 with usage for a usage error', () => {
    const run = spawnCli('decode', 'uart');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/missing the frame in hex/);
    expect(run.stderr).toMatch(/usage: tinybms-gw decode uart/);
    expect(spawnCli('frobnicate').status).toBe(1);
  });
});

describe('decode uart (in process)', () => {
  it.each([
    ['AA 03 00 24 00 02 9D DB', { command: 'read_holding_registers', kind: 'request', address: 36, count: 2 }],
    ['AA 1B 3F 1B', { command: 'read_temperatures', kind: 'request' }],
    ['AA 02 05 90 83', { command: 'control', kind: 'request', option: 'reset_bms' }],
    ['AA 01 0D 91 B5', { command: 'write_individual_registers', kind: 'ack' }],
    ['AA 00 03 01 E0 CC', { command: 'read_holding_registers', kind: 'nack', error: 'crc_error', error_code: 1 }],
    ['AA 1A 08 F2 FA 04 A1 23', { command: 'read_state_of_charge', kind: 'response', state_of_charge_pct: 83.554824 }],
    ['AA 18 97 00 CF CB', { command: 'read_online_status', kind: 'response', online_status: 'idle', online_status_code: 0x97 }],
    ['AA 19 CD 93 FE 00 8B 32', { command: 'read_lifetime_counter', kind: 'response', lifetime_s: 16683981 }],
    [
      'AA 1E 05 02 01 01 F2 00 58 C4',
      { command: 'read_version', kind: 'response', hardware_version: 2, hardware_changes_version: 1, firmware_version: 1, internal_firmware_version: 242 },
    ],
    [
      'AA 1B 06 16 01 14 01 16 01 0E 4E',
      {
        command: 'read_temperatures', kind: 'response', temperatures_c: [27.6, 27.8, 27.8], temp_sensor_count: 3,
        internal_temperature_c: 27.8, external_temperature_1_c: 27.6, external_temperature_2_c: 27.8,
      },
    ],
    ['AA 10 01 3B 00 02 28 22', { command: 'write_multiple_registers', kind: 'response', address: 315, count: 2 }],
  ])('%s', async (frame, expected) => {
    const run = await inProcess(['decode', 'uart', frame]);
    expect(run.status).toBe(0);
    expect(run.json()).toEqual(expected);
  });

  it('names written settings registers by address (V1 write)', async () => {
    const run = await inProcess(['decode', 'uart', 'AA 10 01 3B 00 02 04 10 68 09 C4 19 61']);
    expect(run.json()).toEqual({ command: 'write_multiple_registers', kind: 'request', address: 315, count: 2, registers: { 315: 4200, 316: 2500 } });
  });

  it('gives a 0x03 answer its register names with --address, raw values without', async () => {
    const frame = 'AA 03 0A 97 40 97 40 97 2C 97 2C 97 2C 3E C7';
    expect((await inProcess(['decode', 'uart', frame])).json()).toEqual({
      command: 'read_holding_registers', kind: 'response', count: 5, values: [38720, 38720, 38700, 38700, 38700],
    });
    const named = (await inProcess(['decode', 'uart', '--address', '36', 'AA 03 04 1E B8 42 5F 16 6C'])).json();
    expect(named).toEqual({ command: 'read_holding_registers', kind: 'response', address: 36, count: 2, pack_voltage_v: 55.78 });
    const cells = (await inProcess(['decode', 'uart', '--address', '5', frame])).json();
    expect(cells.registers).toEqual({ 5: 38720, 6: 38720, 7: 38700, 8: 38700, 9: 38700 });
  });

  it('decodes a whole live-data poll answer into live fields', async () => {
    const { encodeResponse } = await import('../../../modules/uart_bms/responses');
    const { toHex } = await import('../../../modules/util/hex');
    const { clarkRegisters } = await import('./support/clark');
    const registers = clarkRegisters();
    const frame = toHex(encodeResponse({ kind: 'read_holding_registers', values: Array.from({ length: 56 }, (_, a) => registers.get(a) as number) }));
    const out = (await inProcess(['decode', 'uart', '--response', '--address', '0', frame])).json();
    expect(out).toMatchObject({
      pack_voltage_v: 55.78, pack_current_a: 0, power_w: 0, state_of_charge_pct: 83.554824, cell_count: 14,
      min_cell_voltage_mv: 3980, max_cell_voltage_mv: 3990, cell_delta_mv: 10, temperatures_c: [9.7],
      online_status: 'idle', balancing_cells: [], lifetime_s: 16683981, external_temperature_1_c: null,
    });
    expect(out.cell_voltage_mv).toHaveLength(14);
    // Only the reserved registers stay unnamed.
    expect(Object.keys(out.registers)).toEqual([...Array.from({ length: 16 }, (_, i) => String(16 + i)), '49']);
    expect(out).toMatchObject({ distance_left_km: 0, state_of_health_pct: 0, speed_kmh: 0 });
  });

  it('resolves frames valid both ways: documented addresses first, then the request reading', async () => {
    const request = (await inProcess(['decode', 'uart', 'AA 07 02 28 00 82 AC'])).json();
    expect(request).toEqual({ command: 'read_register_block', kind: 'request', address: 40, count: 2, also_valid_as: 'response' });
    const response = (await inProcess(['decode', 'uart', 'AA 09 08 32 00 97 00 35 00 0E 00 07 57'])).json();
    expect(response).toMatchObject({ command: 'read_individual_registers', kind: 'response', online_status: 'idle', cell_count: 14, also_valid_as: 'request' });
    const forced = (await inProcess(['decode', 'uart', '--response', 'AA 07 02 28 00 82 AC'])).json();
    expect(forced).toEqual({ command: 'read_register_block', kind: 'response', count: 1, values: [0x28] });
  });

  it('refuses broken frames with exit 2 and the reason', async () => {
    for (const frame of ['AA 0B 04 2C 01 42 0E A2 0C BE 96', 'AA 13 00 00', 'AA 03 0A 97', '55 03 00 00 00 38 5D C3']) {
      const run = await inProcess(['decode', 'uart', frame]);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^tinybms-gw decode uart: invalid frame \(\w+\): .+\n$/);
    }
  });

  it('refuses bad usage with exit 1', async () => {
    for (const args of [['decode', 'uart', '--request', '--response', 'AA 1B 3F 1B'], ['decode', 'uart', '--address'], ['decode', 'uart', '--address', 'x', 'AA 1B 3F 1B'], ['decode', 'uart', '--bogus', 'AA']]) {
      expect((await inProcess(args)).status).toBe(1);
    }
    expect((await inProcess([])).status).toBe(1);
    expect((await inProcess(['--help'])).stdout).toMatch(/tinybms-gw decode uart/);
  });

  it('dispatches from a table, so more subcommands are one entry each', async () => {
    const extra: Subcommand = { path: ['decode', 'example'], usage: '<id> <hex>', summary: 'test', run: (args, io) => (io.stdout(args.join(',')), 0) };
    const run = await inProcess(['decode', 'example', '0x351', '00'], [...SUBCOMMANDS, extra]);
    expect(run).toMatchObject({ status: 0, stdout: '0x351,00' });
    expect((await inProcess(['decode', 'uart', 'AA 1B 3F 1B'], [...SUBCOMMANDS, extra])).status).toBe(0);
  });
});
