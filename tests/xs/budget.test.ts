/**
 * Deterministic budgets of the gateway in XS (issue 13): computrons per 100 ms step, slots and
 * chunk bytes allocated per poll step, live heap against the manifest's creation parameters,
 * and the size of the core bundle. Never wall-clock times (those are in `npm run bench`).
 * Five simulated minutes of the whole gateway in the metering xsnap (tests/bench/day).
 *
 * ISSUE_BUDGETS are the issue's targets. ENFORCED holds what CI holds the code to today: the
 * measured figure plus a small margin, so that any regression fails; where the code does not
 * meet the issue's figure yet, that states the remaining gap (see docs/moddable.md).
 */
import { readFileSync } from 'node:fs';
import { coreBundleBytes } from '../bench/day/bundle_size';
import type { DayResult } from '../bench/day/gateway_day';
import { runXsDay } from '../bench/day/run_xs_day';

const ISSUE_BUDGETS = {
  pollStepComputrons: 15_000,
  worstStepComputrons: 50_000,
  slotsPerPoll: 256,
  chunkBytesPerPoll: 4096,
  coreBundleBytes: 150_000,
};

const ENFORCED = {
  pollStepComputrons: 12_600, // measured 11,775 (p50 11,000): the issue's 15,000 met; held to the measured figure + 6 % so that a regression fails
  worstStepComputrons: 38_500, // measured 36,524: the issue's 50,000 met (CAN output step cheaper; the meter's own cost no longer booked to the gateway); + 5 %
  slotsPerPoll: 100, // measured 90 (issue: 256)
  chunkBytesPerPoll: 2_700, // measured 2,464 B (issue: 4,096)
  coreBundleBytes: 261_500, // measured 261,249 B: 258,807 B before the fixed tables that make retained growth 0 (alert log and active alerts, energy ledger, BMS event window: + 2,336 B), − 35 B of CAN encoder and summary work, + 491 B of alarm and per-pack records, − 395 B of alert code lists read from their tables, + 61 B for the CRC's second table and the float decode's powers of two (fourth Node round)
};

describe('XS budgets of the whole gateway', () => {
  jest.setTimeout(300_000);
  let day: DayResult;

  beforeAll(() => {
    day = runXsDay(3000, 97);
  });

  it('measured something real: polls, CAN frames, MQTT and WebSocket output, sampled allocations', () => {
    expect(day.counts.polls).toBeGreaterThan(1000);
    expect(day.counts.canFrames).toBeGreaterThan(1000);
    expect(day.counts.mqttMessages).toBeGreaterThan(1000);
    expect(day.counts.wsMessages).toBeGreaterThan(50);
    expect(day.pollSteps.steps).toBeGreaterThan(300);
    expect(day.pollAllocation.samples).toBeGreaterThan(3);
    // The clock and the simulated BMS were metered apart, not silently folded into the gateway.
    expect(day.totals.computrons.bms).toBeGreaterThan(0);
    expect(day.totals.computrons.clock).toBeGreaterThan(0);
  });

  // Met budgets: held to the measured figure + margin (below the issue's), so a regression fails.
  it('a 100 ms step with a poll only stays within its computron budget', () => {
    expect(ENFORCED.pollStepComputrons).toBeLessThanOrEqual(ISSUE_BUDGETS.pollStepComputrons);
    expect(day.pollSteps.max).toBeLessThanOrEqual(ENFORCED.pollStepComputrons);
  });

  it('the worst step (poll + 1 s CAN/MQTT/WS output) stays within its computron budget', () => {
    expect(ENFORCED.worstStepComputrons).toBeLessThanOrEqual(ISSUE_BUDGETS.worstStepComputrons);
    expect(day.allSteps.max).toBeLessThanOrEqual(ENFORCED.worstStepComputrons);
  });

  it('a poll step allocates within its slot and chunk budgets', () => {
    expect(ENFORCED.slotsPerPoll).toBeLessThanOrEqual(ISSUE_BUDGETS.slotsPerPoll);
    expect(ENFORCED.chunkBytesPerPoll).toBeLessThanOrEqual(ISSUE_BUDGETS.chunkBytesPerPoll);
    expect(day.pollAllocation.maxSlots).toBeLessThanOrEqual(ENFORCED.slotsPerPoll);
    expect(day.pollAllocation.maxChunkBytes).toBeLessThanOrEqual(ENFORCED.chunkBytesPerPoll);
  });

  it('the live heap fits the ESP32 creation parameters of manifest.json with headroom', () => {
    const manifest = JSON.parse(readFileSync('manifest.json', 'utf8')) as { platforms: { esp32: { creation: { heap: { initial: number }; chunk: { initial: number } } } } };
    const creation = manifest.platforms.esp32.creation;
    // Headroom: the gateway's live heap may use at most 75 % of the initial slot heap and chunk area.
    expect(day.live.peakSlots).toBeLessThanOrEqual(creation.heap.initial * 0.75);
    expect(day.live.peakChunkBytes).toBeLessThanOrEqual(creation.chunk.initial * 0.75);
  });

  it('retains nothing over the run: the live heap of the second half never exceeds the first half’s peak', () => {
    // Rings fill and then hold (issue 13: retained growth 0). The live heap swings with the 1 s
    // output in flight, so peaks are compared; a leak of a few slots a minute shows up here.
    const points = day.live.series;
    expect(points.length).toBeGreaterThanOrEqual(6);
    const half = Math.ceil(points.length / 2);
    const peak = (from: number, to: number, column: 1 | 2) => Math.max(...points.slice(from, to).map((p) => p[column]));
    expect(peak(half, points.length, 1)).toBeLessThanOrEqual(peak(0, half, 1));
    // Chunk bytes (history file contents excluded, they are flash) may move by pending lines only.
    expect(peak(half, points.length, 2)).toBeLessThanOrEqual(peak(0, half, 2) + 1024);
  });

  it('the minified core bundle stays within its size budget', () => {
    expect(coreBundleBytes()).toBeLessThanOrEqual(Math.max(ISSUE_BUDGETS.coreBundleBytes, ENFORCED.coreBundleBytes));
  });
});
