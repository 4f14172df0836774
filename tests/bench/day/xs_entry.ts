/** XS side of the bench and the budget test: the gateway day with the engine's own meters. */
import { runGatewayDay } from './gateway_day';
import { type DayScenario, scenarioOptions } from './scenarios';

declare const print: (text: string) => void;
declare const setImmediate: (fn: () => void) => void;
declare const gc: () => void;
declare const resetMeter: (limit: number, index: number) => number;
declare const xsMemory: (out: number[]) => void;
declare const BENCH_STEPS: number;
declare const BENCH_SAMPLE_EVERY: number;
declare const BENCH_SCENARIO: DayScenario;

runGatewayDay({
  ...scenarioOptions(BENCH_SCENARIO),
  steps: BENCH_STEPS,
  sampleEvery: BENCH_SAMPLE_EVERY,
  engine: { takeComputrons: () => resetMeter(0, 0), memory: (out) => xsMemory(out), collectGarbage: () => gc() },
  flush: () => new Promise<void>((resolve) => setImmediate(resolve)),
}).then(
  (result) => print(`RESULT ${JSON.stringify(result)}`),
  (error: unknown) => print(`ERROR ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)}`),
);
