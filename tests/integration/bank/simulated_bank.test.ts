/**
 * `SIMULATION_PACKS=2 npm start`'s composition on a virtual clock, over real HTTP: two simulated
 * TinyBMS (own seeds) on their own cables, one poller each, the bank on the CAN bus and at the top
 * of /api/status with one `packs` entry per pack; a fault injected into pack 2 only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { startSimulatedGateway, type SimulatedGateway } from '../../../hosts/node/simulated_gateway';
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import { CAN_ID } from '../../../modules/can_victron/ids';
import { jsonOf, mutationHeaders, type WebGateway } from '../web/support/web_gateway';

jest.setTimeout(30_000);

let app: SimulatedGateway;
let clock: VirtualClock;
let dataDir: string;
let base: string;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 250) {
    clock.advance(250);
    await turn();
  }
}
async function settle<T>(pending: Promise<T>): Promise<T> {
  let done = false;
  const result = pending.finally(() => (done = true));
  for (let i = 0; i < 500 && !done; i++) await turn();
  return result;
}
const status = async () => jsonOf(await settle(fetch(`${base}/api/status`)));
function lastFields(id: number): Record<string, any> {
  const frames = app.can.sent.filter((f) => f.id === id);
  const r = decodeCanFrame(id, frames[frames.length - 1].data);
  if (!r.ok) throw new Error(r.error);
  return r.frame.fields;
}
const modules = () => {
  const f = lastFields(CAN_ID.MODULES);
  return [f.modules_ok, f.modules_blocking_charge, f.modules_blocking_discharge, f.modules_offline];
};

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-bank-'));
  clock = new VirtualClock(0, Date.UTC(2026, 5, 1, 12));
  app = startSimulatedGateway({ dataDir, port: 0, mode: 'realistic', seed: 11, packs: 2, clock, log: { log: () => undefined } });
  const port = await app.gateway.web?.whenListening();
  base = `http://127.0.0.1:${port}`;
});

afterEach(async () => {
  await app.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('two simulated packs as one battery', () => {
  it('runs two independent simulators, one poller each, and shows the bank with a packs[] entry per pack', async () => {
    expect(app.simulators.map((s) => s.seed)).toEqual([11, 12]);
    expect(app.gateway.packPollers.map((p) => p.name)).toEqual(['uart_bms', 'uart_bms_2']);
    await advance(12_000);
    const body = await status();
    expect(body.packs).toHaveLength(2);
    const [p1, p2] = body.packs;
    expect([p1.pack, p1.link.up, p1.data_valid, p2.pack, p2.link.up, p2.data_valid]).toEqual([1, true, true, 2, true, true]);
    // Own seeds: the two packs are not the same battery.
    expect(p1.state_of_charge_pct).not.toBeCloseTo(p2.state_of_charge_pct, 3);
    // The top level is the bank: both 280 Ah, so SOC is the mean; current is the sum.
    expect(body.battery.state_of_charge_pct).toBeCloseTo((p1.state_of_charge_pct + p2.state_of_charge_pct) / 2, 0);
    expect(body.battery.charge_current_limit_a).toBeCloseTo(p1.charge_current_limit_a + p2.charge_current_limit_a, 1);
    expect(modules()).toEqual([2, 0, 0, 0]);
    expect(lastFields(CAN_ID.INSTALLED_CAPACITY).installed_capacity_ah).toBe(560);
    expect(lastFields(CAN_ID.MIN_CELL_VOLTAGE_ID).min_cell_voltage_id).toMatch(/^P[12]C\d\d$/);
  });

  it('POST /api/sim/faults with "pack": 2 silences pack 2 only; the bank runs on pack 1 and counts pack 2 offline', async () => {
    await advance(6_000);
    const headers = await settle(mutationHeaders({ base } as WebGateway));
    const injected = await settle(fetch(`${base}/api/sim/faults`, { method: 'POST', headers, body: JSON.stringify({ kind: 'bms_silence', pack: 2 }) }));
    expect(injected.status).toBe(200);
    expect((await jsonOf(injected)).pack).toBe(2);
    expect(app.simulators[0].activeFaults()).toHaveLength(0);
    expect(app.simulators[1].activeFaults()).toHaveLength(1);
    await advance(10_000);
    const body = await status();
    expect(body.packs[0].link.up).toBe(true);
    expect(body.packs[1].link.up).toBe(false);
    expect(body.packs[1].data_valid).toBe(false);
    expect(body.bms_link.up).toBe(true);
    expect(app.gateway.alerts.events(20).some((e) => e.type === 'bms_link' && e.message.startsWith('BMS pack 2 link down'))).toBe(true);
    expect(modules()).toEqual([1, 0, 0, 1]);
    expect(lastFields(CAN_ID.LIMITS).charge_current_limit_a).toBeCloseTo(body.packs[0].charge_current_limit_a, 1);
    expect(body.battery.state_of_charge_pct).toBeCloseTo(body.packs[0].state_of_charge_pct, 1);

    const wrongPack = await settle(fetch(`${base}/api/sim/faults`, { method: 'POST', headers, body: JSON.stringify({ kind: 'bms_silence', pack: 3 }) }));
    expect(wrongPack.status).toBe(400);
    expect((await jsonOf(wrongPack)).error.field).toBe('pack');
  });
});
