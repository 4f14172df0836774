/**
 * XS conformance: the whole gateway core and the TinyBMS simulator, bundled for a neutral
 * platform, run the same scenario inside Moddable's XS engine (xsnap) and on Node. Everything
 * observable must be equal: live data, CAN frames, limits, alerts, MQTT, history, metrics, REST.
 * A negative control shows the harness fails when core code reaches for a Node-only facility.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForXs } from './support/bundle';
import { resultOf, runInXs } from './support/run_xs';
import { runGatewayScenario, type ScenarioResult } from './scenario/gateway_scenario';

const OUT = join(process.cwd(), 'build/xs');

describe('XS conformance', () => {
  jest.setTimeout(240_000);
  let xs: ScenarioResult;
  let node: ScenarioResult;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    bundleForXs('tests/xs/scenario/xs_entry.ts', join(OUT, 'gateway_scenario.js'));
    const run = runInXs(join(OUT, 'gateway_scenario.js'));
    const failure = run.stdout.split('\n').find((line) => line.startsWith('ERROR '));
    if (failure) throw new Error(`the scenario failed inside XS: ${failure}\n${run.stderr}`);
    xs = resultOf(run) as ScenarioResult;
    node = await runGatewayScenario(() => new Promise<void>((resolve) => setImmediate(resolve)));
  });

  it('runs the scenario for real on both engines (it is not empty)', () => {
    expect(node.live.length).toBeGreaterThan(200);
    expect(node.live.some((d) => !d.data_valid)).toBe(true); // the silence shows as stale data
    expect(node.can.length).toBeGreaterThan(300);
    expect(node.limits.some((l) => l.includes('stale_data'))).toBe(true); // silence withdrew charge permission
    expect(node.alerts.some((a) => a.includes('raised BMS_COMM_LOST'))).toBe(true);
    expect(node.mqtt.published).toBeGreaterThan(100);
    expect(node.history.csv).toMatch(/^timestamp,voltage,current,soc,temp_max,temp_min/);
    expect(node.http['/api/status'].status).toBe(200);
  });

  it('produces the same LiveData sequence', () => {
    expect(xs.live.length).toBe(node.live.length);
    expect(xs.live).toEqual(node.live);
  });

  it('produces the same CAN frames, byte for byte and at the same times', () => {
    expect(xs.can).toEqual(node.can);
  });

  it('computes the same charge limits and raises the same alerts', () => {
    expect(xs.limits).toEqual(node.limits);
    expect(xs.alerts).toEqual(node.alerts);
  });

  it('publishes the same MQTT messages, history, metrics and REST answers', () => {
    expect(xs.mqtt).toEqual(node.mqtt);
    expect(xs.history).toEqual(node.history);
    expect(xs.prometheus).toEqual(node.prometheus);
    expect(xs.http).toEqual(node.http);
    expect(xs.phases).toEqual(node.phases);
    expect(xs.log_lines).toBe(node.log_lines);
  });

  it('fails when core code uses a Node-only facility (negative control)', () => {
    bundleForXs('tests/xs/scenario/negative_control.ts', join(OUT, 'negative_control.js'));
    const run = runInXs(join(OUT, 'negative_control.js'));
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/ReferenceError: get Buffer: undefined variable/);
    expect(() => resultOf(run)).toThrow(/no RESULT line/);
  });
});
