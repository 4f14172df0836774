/**
 * `npx tsx tests/bench/profile/profile_poll.ts [steps] [kind]`: where a 100 ms step's computrons,
 * slots and chunk bytes go in XS, per label (wrapped clock timers, bus subscribers, UART link),
 * self time, mean per step of that kind (poll | output | idle). Profiling aid, not a budget: the
 * wrappers cost computrons of their own, so totals run above the bench's figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf } from '../../xs/support/run_xs';
import { ensureMeterBinary } from '../../xs/support/xsnap_binary';
import type { ProfileRow } from './profiler';

const steps = Number(process.argv[2] ?? 1200);
const kind = process.argv[3] ?? 'poll';
const out = join(process.cwd(), 'build/bench');
mkdirSync(out, { recursive: true });
const bundle = join(out, 'profile_poll.js');
bundleForXs('tests/bench/profile/xs_entry.ts', bundle, { BENCH_STEPS: String(steps) });
const run = spawnSync(ensureMeterBinary(), ['-s', bundle], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const failure = run.stdout.split('\n').find((line) => line.startsWith('ERROR '));
if (failure) throw new Error(failure);
const result = resultOf({ status: run.status, stdout: run.stdout, stderr: run.stderr }) as Record<string, { steps: number; rows: ProfileRow[] }> & { pieces: Record<string, { computrons: number; slots: number; chunks: number }> };
const report = result[kind];
const sum = (key: 'computrons' | 'slots' | 'chunks') => report.rows.reduce((total, row) => total + row[key], 0);
console.log(`${kind} steps: ${report.steps}; per step: ${sum('computrons')} computrons, ${sum('slots')} slots, ${sum('chunks')} B chunks (wrappers included)`);
console.log('the decode path alone, per call:');
for (const [label, m] of Object.entries(result.pieces)) console.log(`${String(m.computrons).padStart(7)} c ${String(m.slots).padStart(5)} s ${String(m.chunks).padStart(6)} B  ${label}`);
console.log(`${kind} steps, per step (self):`);
for (const row of report.rows) {
  if (row.computrons < 20 && row.slots < 1) continue;
  console.log(`${String(row.computrons).padStart(7)} c ${String(row.slots).padStart(5)} s ${String(row.chunks).padStart(6)} B ${row.calls.toFixed(2).padStart(6)}x  ${row.label}`);
}
