/**
 * The crash campaign: the Node gateway as a real process saves its config in a loop, samples
 * history every second and moves its energy counters, and is SIGKILLed at random moments
 * (≥ 20 cuts within 60 s). After every restart: the config is the last acknowledged save or the
 * one in flight, never a default or a recovered one; energy never goes back beyond the save
 * policy's window; every history line on disk parses (at most a torn tail). At the end the
 * history export over HTTP equals what is on disk. Figures go to the console (README §Reliability).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDay } from '../../../modules/history_logger/csv';
import { bundleChild, type EnergyReading, GatewayChild, tempDataDir } from './support/child_process';

jest.setTimeout(120_000);

const MIN_CUTS = 20;
const CAMPAIGN_MS = 55_000;
/** The child's energy policy (maxIntervalMs 400) plus scheduling slack on a loaded machine. */
const ENERGY_WINDOW_MS = 400 + 1600;

let bundle: string;
let dataDir: string;
/** The child alive now, killed if an expectation fails while it runs. */
let current: GatewayChild | undefined;
afterEach(async () => {
  await current?.kill('SIGKILL');
  current = undefined;
});
beforeAll(() => {
  bundle = bundleChild();
  dataDir = tempDataDir('tinybms-crash-');
});
afterAll(() => {
  fs.rmSync(bundle, { force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Newest reading taken at least `windowMs` before `killAt` (the policy had time to save it). */
function settledBefore(readings: EnergyReading[], killAt: number, windowMs: number): EnergyReading | undefined {
  return readings.filter((r) => r.t <= killAt - windowMs).at(-1);
}

function historyOnDisk(): { samples: number; rejected: number; torn: number; days: string[] } {
  const folder = path.join(dataDir, 'files', 'history');
  const days = fs.existsSync(folder) ? fs.readdirSync(folder).filter((n) => n.endsWith('.csv')) : [];
  let samples = 0;
  let rejected = 0;
  let torn = 0;
  for (const day of days) {
    const parsed = parseDay(fs.readFileSync(path.join(folder, day), 'utf8'));
    samples += parsed.samples.length;
    rejected += parsed.rejected_lines;
    torn += parsed.torn_tail ? 1 : 0;
  }
  return { samples, rejected, torn, days: days.map((d) => d.replace(/\.csv$/, '')) };
}

it('survives ≥ 20 SIGKILLs under load with config, energy and history intact', async () => {
  const started = Date.now();
  let cuts = 0;
  let lastAck = -1;
  let acknowledged = 0;
  let inFlightSeen = 0;
  let energyMaxLossWh = 0;
  let previous: { killAt: number; readings: EnergyReading[] } | undefined;
  const lifetimes: number[] = [];
  const startTimes: number[] = [];

  while (cuts < MIN_CUTS || Date.now() - started < CAMPAIGN_MS - 5_000) {
    if (Date.now() - started > CAMPAIGN_MS) break;
    const spawnedAt = Date.now();
    const child = new GatewayChild(bundle, dataDir, { hammer: true });
    current = child;
    const ready = await child.whenReady();
    startTimes.push(Date.now() - spawnedAt);

    // Config: never a default, never a recovery; the last acknowledged save or the one in flight.
    expect(ready.recovery.recovery).toBe('none');
    if (cuts > 0) {
      expect(ready.max_charge_current_a).toBe(30);
      expect([lastAck, lastAck + 1]).toContain(ready.marker);
      if (ready.marker === lastAck + 1) inFlightSeen++;
    }
    // Energy: nothing the policy had time to save is lost.
    if (previous) {
      const settled = settledBefore(previous.readings, previous.killAt, ENERGY_WINDOW_MS);
      if (settled) {
        expect(ready.energy.charged_wh).toBeGreaterThanOrEqual(settled.charged_wh - 1e-9);
        expect(ready.energy.discharged_wh).toBeGreaterThanOrEqual(settled.discharged_wh - 1e-9);
      }
      const last = previous.readings.at(-1);
      if (last) energyMaxLossWh = Math.max(energyMaxLossWh, last.charged_wh - ready.energy.charged_wh + (last.discharged_wh - ready.energy.discharged_wh));
    }
    // History: every complete line parses.
    expect(historyOnDisk().rejected).toBe(0);

    const lifetime = 250 + Math.floor(Math.random() * 1000);
    await new Promise((resolve) => setTimeout(resolve, lifetime));
    const killAt = Date.now();
    await child.kill('SIGKILL');
    current = undefined;
    cuts++;
    lifetimes.push(lifetime);
    acknowledged += child.acks.length;
    if (child.acks.length > 0) lastAck = child.acks.at(-1) as number;
    previous = { killAt, readings: child.energy };
  }
  const campaignMs = Date.now() - started;
  expect(cuts).toBeGreaterThanOrEqual(MIN_CUTS);
  expect(campaignMs).toBeLessThan(60_000 + 30_000); // the loop stops cutting at 55 s; the rest is the last start

  // Final start without load: the history export equals the disk.
  const final = new GatewayChild(bundle, dataDir);
  current = final;
  const ready = await final.whenReady();
  expect([lastAck, lastAck + 1]).toContain(ready.marker);
  const disk = historyOnDisk();
  expect(disk.days.length).toBeGreaterThan(0);
  const day = disk.days.at(-1) as string;
  const response = await fetch(`http://127.0.0.1:${ready.port}/api/history/download?date=${day}&format=csv`);
  expect(response.status).toBe(200);
  const exported = parseDay(await response.text());
  const onDisk = parseDay(fs.readFileSync(path.join(dataDir, 'files', 'history', `${day}.csv`), 'utf8'));
  await final.kill('SIGKILL');
  current = undefined;
  expect(exported.rejected_lines).toBe(0);
  expect(exported.samples.length).toBeGreaterThan(0);
  // The running gateway may have appended a sample after the download: the export is the disk's prefix.
  expect(onDisk.samples.slice(0, exported.samples.length)).toEqual(exported.samples);
  expect(onDisk.samples.length - exported.samples.length).toBeLessThanOrEqual(2);

  const figures = {
    cuts,
    campaign_s: Math.round(campaignMs / 100) / 10,
    start_to_ready_ms: { min: Math.min(...startTimes), max: Math.max(...startTimes) },
    lifetime_ms: { min: Math.min(...lifetimes), max: Math.max(...lifetimes) },
    config_saves_acknowledged: acknowledged,
    in_flight_save_found_after_restart: inFlightSeen,
    bad_configs: 0,
    energy_max_loss_wh: Math.round(energyMaxLossWh * 1000) / 1000,
    history_samples_on_disk: disk.samples,
    history_torn_tails: disk.torn,
    history_rejected_lines: disk.rejected,
    export_equals_disk: true,
  };
  console.log(`crash campaign: ${JSON.stringify(figures)}`);
});
