/**
 * `tinybms-gw decode can` and `tinybms-gw encode victron`: the real launcher spawned once each
 * (exit code, stdout), then the dispatcher in-process for the outputs and every error path.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../hosts/node/cli/main';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import { fromHex } from '../../../modules/util/hex';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/tinybms-gw.mjs');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tinybms-can-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function stateFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

/** The V11 example of victron-can.md §8 as a state file (limits given as in the example). */
const V11_STATE = {
  pack_voltage_v: 53.28,
  pack_current_a: -12.3,
  state_of_charge_pct: 75,
  state_of_health_pct: 98,
  min_cell_voltage_mv: 3321,
  max_cell_voltage_mv: 3345,
  min_temperature_c: 20,
  max_temperature_c: 23,
  charged_energy_wh: 1234500,
  discharged_energy_wh: 1100000,
  charge_voltage_limit_v: 55.2,
  charge_current_limit_a: 100,
  discharge_current_limit_a: 150,
  discharge_voltage_limit_v: 48,
  config: { charge: { capacity_ah: 280 } },
};

describe('spawned launcher', () => {
  it('decode can prints the frame as JSON with the gateway field names', () => {
    const run = spawnSync(process.execPath, [BIN, 'decode', 'can', '0x351', '28 02 E8 03 DC 05 E0 01'], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      id: '0x351',
      frame: 'limits',
      charge_voltage_limit_v: 55.2,
      charge_current_limit_a: 100,
      discharge_current_limit_a: 150,
      discharge_voltage_limit_v: 48,
    });
  });

  it('encode victron prints one "0x351 <hex>" line per frame, matching the V11 example', () => {
    const run = spawnSync(process.execPath, [BIN, 'encode', 'victron', stateFile('v11.json', V11_STATE)], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^0x[0-9A-F]{3} [0-9A-F]{2,16}$/);
    const byId = new Map(lines.map((l) => l.split(' ') as [string, string]));
    expect(byId.get('0x351')).toBe('2802E803DC05E001');
    expect(byId.get('0x35A')).toBe('A8AA8202A8AA8202');
    expect(byId.get('0x373')).toBe('F90C110D25012801');
    expect(byId.get('0x378')).toBe('39300000F82A0000');
    expect(byId.get('0x379')).toBe('1801000000000000');
    expect(byId.get('0x35E')).toBe('54696E79424D5300');
    expect(byId.get('0x356')).toBe('D01485FFE6000000'); // 23.0 °C: the warmest cell (max_temperature_c) when no sensor list is given
  });
});

describe('encode victron', () => {
  it('computes the limits when state.json does not give them, and every line decodes', async () => {
    const live: Record<string, unknown> = { ...V11_STATE };
    for (const given of ['charge_voltage_limit_v', 'charge_current_limit_a', 'discharge_current_limit_a', 'discharge_voltage_limit_v', 'config']) delete live[given];
    const run = await cli('encode', 'victron', stateFile('live.json', live));
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('0x351 2802E803DC05D001'); // 55.2 V, 100 A, 150 A, 46.4 V from the default 16S configuration
    for (const line of lines) {
      const [id, hex] = line.split(' ');
      expect(decodeCanFrame(parseInt(id, 16), fromHex(hex)).ok).toBe(true);
    }
  });

  it.each([
    ['a missing field', { pack_voltage_v: 53 }, /lacks pack_current_a, state_of_charge_pct/],
    ['a field that is not a number', { ...V11_STATE, pack_current_a: 'ten' }, /pack_current_a must be a finite number/],
    ['implausible values', { ...V11_STATE, state_of_charge_pct: 140 }, /cannot drive charge limits \(implausible_soc\)/],
    ['an invalid configuration', { ...V11_STATE, config: { charge: { series_cells: 40 } } }, /invalid config: charge.series_cells/],
    ['a PYLON name on 16 cells', { ...V11_STATE, config: { can: { manufacturer: 'PYLON' } } }, /Pylontech announcement on 16 cells/],
    ['an unknown online status', { ...V11_STATE, online_status: 'sleeping' }, /online_status must be one of/],
  ])('exits 2 for %s', async (_name, state, message) => {
    const run = await cli('encode', 'victron', stateFile('bad.json', state));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('exits 2 for a file that is not JSON or does not exist, and 1 without a file', async () => {
    expect(await cli('encode', 'victron', stateFile('broken.json', '{ "pack'))).toMatchObject({ status: 2, stderr: expect.stringMatching(/is not JSON/) });
    expect(await cli('encode', 'victron', path.join(dir, 'absent.json'))).toMatchObject({ status: 2, stderr: expect.stringMatching(/cannot read/) });
    expect(await cli('encode', 'victron')).toMatchObject({ status: 1, stderr: expect.stringMatching(/missing the state file/) });
  });
});

describe('encode victron: a sequence of timestamped states', () => {
  const LIVE = { pack_voltage_v: 52.8, pack_current_a: 10, state_of_charge_pct: 60, min_cell_voltage_mv: 3290, max_cell_voltage_mv: 3310, temperatures_c: [20, 22] };
  const at = (stdout: string, t: number, id: string) => stdout.split('\n').find((l) => l.startsWith(`t=${t} ${id} `));
  const ccl = (line: string | undefined) => (line ? (decodeCanFrame(0x351, fromHex(line.split(' ')[2])) as { ok: true; frame: { fields: Record<string, number> } }).frame.fields.charge_current_limit_a : undefined);

  it('carries charge control state: the CCL ramp, an absent sensor (null), stale data and its return', async () => {
    const sequence = {
      config: { charge: { ccl_ramp_a_per_s: 10 } },
      bms: { cutoffs: { charge_overcurrent_a: 60 } },
      states: [
        { t_ms: 0, ...LIVE },
        { t_ms: 1000, ...LIVE },
        { t_ms: 10_000, ...LIVE },
        { t_ms: 11_000, ...LIVE, temperatures_c: [null, null], internal_temperature_c: 30 },
        { t_ms: 12_000, ...LIVE, temperatures_c: [null, 21] },
        { t_ms: 20_000, stale: true },
        { t_ms: 21_000, ...LIVE },
      ],
    };
    const run = await cli('encode', 'victron', stateFile('sequence.json', sequence));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect([0, 1000, 10_000, 11_000, 12_000].map((t) => ccl(at(run.stdout, t, '0x351')))).toEqual([10, 20, 54, 0, 10]);
    expect(run.stdout).toMatch(/^t=10000 why cvl=bulk ccl=bms_charge_overcurrent_cutoff dcl=config_max/m);
    expect(run.stdout).toMatch(/^t=11000 why cvl=bulk ccl=no_cell_temperature /m);
    // Sensor 2 alone: 0x376/0x377 name it TEMP2 (its own number), not TEMP1.
    expect(at(run.stdout, 12_000, '0x377')).toBe(`t=12000 0x377 ${Buffer.from('TEMP2').toString('hex').toUpperCase()}000000`);
    // Stale: no 0x351 at all; data back: CCL ramps again from 0.
    expect(at(run.stdout, 20_000, '0x351')).toBeUndefined();
    expect(run.stdout).toMatch(/^t=20000 why cvl=stale_data/m);
    expect(ccl(at(run.stdout, 21_000, '0x351'))).toBe(10);
  });

  it('accepts a plain array of states and a failed poll (data_valid false)', async () => {
    const run = await cli('encode', 'victron', stateFile('array.json', [{ t_ms: 0, ...LIVE }, { t_ms: 1000, ...LIVE, data_valid: false }]));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^t=1000 why cvl=invalid_data/m);
  });

  it.each([
    ['time going back', { states: [{ t_ms: 1000, ...LIVE }, { t_ms: 500, ...LIVE }] }, /states\[1\]\.t_ms 500 goes back in time/],
    ['a state without t_ms', { states: [{ ...LIVE }] }, /states\[0\]\.t_ms must be a time in ms/],
    ['a stale first state', { states: [{ t_ms: 0, stale: true }] }, /states\[0\]: a stale state needs an earlier sample/],
    ['a sensor that is neither a number nor null', { states: [{ t_ms: 0, ...LIVE, temperatures_c: [20, 'x'] }] }, /temperatures_c must be an array of numbers or null/],
    ['an unknown cut-off', { bms: { cutoffs: { overvoltage: 3650 } }, states: [{ t_ms: 0, ...LIVE }] }, /bms\.cutoffs\.overvoltage is not one of/],
    ['an unknown fault cause', { bms: { fault_causes: ['gremlins'] }, states: [{ t_ms: 0, ...LIVE }] }, /bms\.fault_causes must list causes among/],
    ['an empty sequence', { states: [] }, /"states" must be a non-empty array/],
    ['an unknown top-level field', { states: [{ t_ms: 0, ...LIVE }], extra: 1 }, /unknown top-level field extra/],
  ])('exits 2 for %s', async (_name, content, message) => {
    const run = await cli('encode', 'victron', stateFile('bad-sequence.json', content));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});

describe('decode can', () => {
  it('decodes the alarm frame into named flag states', async () => {
    const run = await cli('decode', 'can', '35A', 'A4AA8202A8AA8201');
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ id: '0x35A', frame: 'alarms', system_status: 'unsupported' });
    expect(json.alarms).toMatchObject({ high_voltage: 'active', low_voltage: 'ok', general: 'unsupported' });
    expect(json.warnings).toMatchObject({ cell_imbalance: 'active', high_voltage: 'ok' });
  });

  it.each([
    [['0x123', '00'], 2, /0x123 is not part of the Victron\/Pylontech BMS protocol/],
    [['0x351', '00 00 00 00 00 00 00 00 00'], 2, /9 data bytes/],
    [['0x351', 'ZZ'], 2, /not hex data/],
    [['banana', '00'], 2, /not a hexadecimal CAN id/],
    [['0x351'], 1, /missing the data in hex/],
    [[], 1, /missing the CAN id and the data/],
  ])('%j exits %i', async (args, status, message) => {
    const run = await cli('decode', 'can', ...(args as string[]));
    expect(run.status).toBe(status);
    expect(run.stderr).toMatch(message);
  });
});
