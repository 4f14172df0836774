/** Bundles the gateway day for bare XS and runs it in the metering xsnap; returns its result. */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf } from '../../xs/support/run_xs';
import { ensureMeterBinary } from '../../xs/support/xsnap_binary';
import type { DayResult } from './gateway_day';
import type { DayScenario } from './scenarios';

export function runXsDay(steps: number, sampleEvery: number, scenario: DayScenario = 'day'): DayResult {
  const out = join(process.cwd(), 'build/bench');
  mkdirSync(out, { recursive: true });
  const bundle = join(out, `xs_day_${scenario}_${steps}.js`);
  bundleForXs('tests/bench/day/xs_entry.ts', bundle, { BENCH_STEPS: String(steps), BENCH_SAMPLE_EVERY: String(sampleEvery), BENCH_SCENARIO: JSON.stringify(scenario) });
  const run = spawnSync(ensureMeterBinary(), ['-s', bundle], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const failure = run.stdout.split('\n').find((line) => line.startsWith('ERROR '));
  if (failure) throw new Error(`the gateway day failed inside XS: ${failure}\n${run.stderr}`);
  return resultOf({ status: run.status, stdout: run.stdout, stderr: run.stderr }) as DayResult;
}
