/**
 * The Node side of the gateway day (gateway_day.ts): the whole gateway + simulated TinyBMS on
 * the virtual clock, with wall and CPU time.
 *
 * Run from an esbuild bundle, as the device build is: under tsx every closure the core creates
 * goes through its keepNames `__name` wrapper (Object.defineProperty per closure), a cost of the
 * dev loader (≈ 25 % of this run) that neither the device nor a bundled Node host pays.
 *
 * Promise jobs get a microtask turn after every 100 ms step (the gateway's ports here are
 * in-process and synchronous; its steady state makes no promises, so a longer chain just moves
 * one link per step), and a full event-loop turn (setImmediate) once per simulated minute. An
 * event-loop turn costs Node several µs with nothing to do: one per step cost ≈ 4 s of CPU per
 * simulated day, one per simulated second still ≈ 0.6 s; harness, not gateway. (Every output of
 * the run is the same either way: fingerprint.ts.)
 */
import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DayResult, runGatewayDay as RunGatewayDay } from './gateway_day';
import { NODE_SLAB_BYTES, stepFlush } from './step_flush';


export interface NodeDay {
  result: DayResult;
  wallS: number;
  /** User + system CPU of the whole process during the run (every thread: GC helpers included). */
  cpuS: number;
}


async function bundledRunner(): Promise<typeof RunGatewayDay> {
  const out = join(process.cwd(), 'build/bench');
  mkdirSync(out, { recursive: true });
  const outfile = join(out, 'node_day.mjs');
  buildSync({ entryPoints: ['tests/bench/day/gateway_day.ts'], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  const module = (await import(pathToFileURL(outfile).href)) as { runGatewayDay: typeof RunGatewayDay };
  return module.runGatewayDay;
}

export async function runNodeDay(steps: number, pollIntervalMs?: number): Promise<NodeDay> {
  const run = await bundledRunner();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await run({ steps, sampleEvery: Number.MAX_SAFE_INTEGER, flush: stepFlush(), slabBytes: NODE_SLAB_BYTES, wallMs: () => performance.now(), pollIntervalMs });
  const wallS = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { result, wallS, cpuS: (used.user + used.system) / 1e6 };
}
