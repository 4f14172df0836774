/** XS side of the conformance test: run the scenario in the bare engine and print its result. */
import { runGatewayScenario } from './gateway_scenario';

declare const print: (text: string) => void;
declare const setImmediate: (fn: () => void) => void;

runGatewayScenario(() => new Promise<void>((resolve) => setImmediate(resolve))).then(
  (result) => print(`RESULT ${JSON.stringify(result)}`),
  (error: unknown) => print(`ERROR ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)}`),
);
