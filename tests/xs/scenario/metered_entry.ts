/** XS side of the event-loop budget test: the metered scenario in bare XS, computrons from xsnap's meter. */
import { runMeteredScenario } from './metered_scenario';

declare const print: (text: string) => void;
declare const setImmediate: (fn: () => void) => void;
/** xsnap: sets the meter to `index` and returns what it was. */
declare const resetMeter: (limit: number, index: number) => number;

runMeteredScenario(() => new Promise<void>((resolve) => setImmediate(resolve)), { take: () => resetMeter(0, 0) }).then(
  (result) => print(`RESULT ${JSON.stringify(result)}`),
  (error: unknown) => print(`ERROR ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)}`),
);
