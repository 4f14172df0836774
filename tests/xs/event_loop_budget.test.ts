/**
 * No turn of the XS event loop may stall the gateway: the GX stops charging when 0x351 pauses
 * for 3 s. The conformance scenario runs in bare XS with the engine's meter read at every turn
 * (each timer callback, each round of promise jobs), every GET route is answered with its body
 * pulled one chunk per turn, and a client listens on every WebSocket channel. Budgets are in
 * computrons (deterministic, unlike time).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForXs } from './support/bundle';
import { resultOf, runInXs } from './support/run_xs';
import { METERED_ROUTES, type MeteredResult } from './scenario/metered_scenario';

const OUT = join(process.cwd(), 'build/xs');
/** No single turn above this. */
const TURN_BUDGET = 2_000_000;
/** /metrics is scraped every few seconds: it must stay well under the turn budget. */
const METRICS_FIRST_BUDGET = 1_200_000;
const METRICS_STEADY_BUDGET = 500_000;

describe('XS event loop budget (computrons per turn)', () => {
  jest.setTimeout(240_000);
  let result: MeteredResult;

  beforeAll(() => {
    mkdirSync(OUT, { recursive: true });
    bundleForXs('tests/xs/scenario/metered_entry.ts', join(OUT, 'metered_scenario.js'));
    const run = runInXs(join(OUT, 'metered_scenario.js'));
    const failure = run.stdout.split('\n').find((line) => line.startsWith('ERROR '));
    if (failure) throw new Error(`the metered scenario failed inside XS: ${failure}\n${run.stderr}`);
    result = resultOf(run) as MeteredResult;
  });

  it('meters a real run: thousands of turns, every route answered, every channel sending', () => {
    expect(result.turns).toBeGreaterThan(5000);
    expect(result.routes.map((r) => r.what)).toEqual(METERED_ROUTES.map((path) => `GET ${path}`));
    for (const route of result.routes) {
      expect({ route: route.what, status: route.status }).toEqual({ route: route.what, status: 200 });
      expect(route.bytes).toBeGreaterThan(0);
      expect(route.max_turn).toBeGreaterThan(0);
    }
    for (const channel of result.websocket) expect(channel.bytes).toBeGreaterThan(0);
  });

  it(`keeps every turn of the run under ${TURN_BUDGET} computrons`, () => {
    expect(result.top_turns[0].computrons).toBeGreaterThan(0);
    for (const turn of result.top_turns) expect(turn.computrons).toBeLessThan(TURN_BUDGET);
  });

  it('keeps every route, turn by turn, under the budget', () => {
    const over = result.routes.filter((r) => r.max_turn >= TURN_BUDGET).map((r) => `${r.what}: ${r.max_turn}`);
    expect(over).toEqual([]);
  });

  it('keeps every turn that sends a WebSocket message under the budget', () => {
    const over = result.websocket.filter((c) => c.max_turn >= TURN_BUDGET).map((c) => `${c.what}: ${c.max_turn}`);
    expect(over).toEqual([]);
    expect(result.websocket.every((c) => c.turns > 0)).toBe(true);
  });

  it('serves /metrics well under the budget, and cheaper once the metric names are known', () => {
    const [first, steady] = result.routes.filter((r) => r.what === 'GET /metrics');
    expect(first.bytes).toBeGreaterThan(20_000);
    expect(first.max_turn).toBeLessThan(METRICS_FIRST_BUDGET);
    expect(steady.max_turn).toBeLessThan(METRICS_STEADY_BUDGET);
    expect(steady.max_turn).toBeLessThan(first.max_turn);
  });

  it('would catch the old JavaScript encoder (the control is over the budget by itself)', () => {
    expect(result.control.portable_encode_metrics).toBeGreaterThan(TURN_BUDGET);
  });
});
