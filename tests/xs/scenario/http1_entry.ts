/** XS side of the HTTP/1.1 framing test. */
import { runHttp1Scenario } from './http1_scenario';

declare const print: (text: string) => void;
declare const setImmediate: (fn: () => void) => void;

runHttp1Scenario(() => new Promise<void>((resolve) => setImmediate(resolve))).then(
  (result) => print(`RESULT ${JSON.stringify(result)}`),
  (error: unknown) => print(`ERROR ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)}`),
);
