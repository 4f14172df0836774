/**
 * `npx tsx tests/bench/profile/node_instructions.ts [--sim] [stepsA] [stepsB]`: instructions the Node
 * gateway day executes per 100 ms step, counted by valgrind (cachegrind, no cache simulation) on
 * the same esbuild bundle the bench times, run twice (stepsA and stepsB steps, default 20 000 and
 * 40 000) so that start-up cancels out: (instructions(B) − instructions(A)) / (B − A). `node
 * --single-threaded` keeps the garbage collector's work on the counted thread. Deterministic to
 * about ±0.5 %, where wall and CPU time on the shared 2-core machine swing ±20 % with its load: a
 * way to compare two versions of the code (kernel time, e.g. page faults, is not counted). Needs
 * valgrind (apt: valgrind); about two minutes. `--sim`: the simulated side alone (sim_steps.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const args = process.argv.slice(2);
const simOnly = args[0] === '--sim';
if (simOnly) args.shift();
const [stepsA, stepsB] = [Number(args[0] ?? 20_000), Number(args[1] ?? 40_000)];
const out = join(process.cwd(), 'build/bench');
mkdirSync(out, { recursive: true });
const entry = simOnly ? 'sim_steps' : 'node_day_steps';
const bundle = join(out, `${entry}.cjs`);
buildSync({ entryPoints: [`tests/bench/profile/${entry}.ts`], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });

function instructions(steps: number): number {
  const run = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--single-threaded', bundle, String(steps)], { encoding: 'utf8' });
  const refs = /I\s+refs:\s+([\d,]+)/.exec(run.stderr);
  if (run.status !== 0 || !refs) throw new Error(`valgrind run of ${steps} steps failed (status ${run.status}):\n${run.stderr.slice(-2000)}`);
  return Number(refs[1].replace(/,/g, ''));
}

const a = instructions(stepsA);
const b = instructions(stepsB);
console.log(JSON.stringify({ run: simOnly ? 'simulated side alone' : 'gateway day', instructions_per_step: Math.round((b - a) / (stepsB - stepsA)), steps: [stepsA, stepsB], instructions: [a, b] }));
