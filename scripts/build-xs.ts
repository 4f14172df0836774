/**
 * `npm run build:xs`: bundle the gateway conformance scenario for the bare XS engine
 * (build/xs/gateway_scenario.js), build the plain `xsnap` command if needed, and run it once,
 * printing a short summary. `npm test` does the same and compares the result with Node.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForXs } from '../tests/xs/support/bundle';
import { resultOf, runInXs } from '../tests/xs/support/run_xs';
import { ensureXsnapBinary } from '../tests/xs/support/xsnap_binary';
import type { ScenarioResult } from '../tests/xs/scenario/gateway_scenario';

const out = join(process.cwd(), 'build/xs');
mkdirSync(out, { recursive: true });
const bundle = join(out, 'gateway_scenario.js');
bundleForXs('tests/xs/scenario/xs_entry.ts', bundle);
const binary = ensureXsnapBinary();
console.log(`bundle: ${bundle}\nxsnap:  ${binary}  (run: ${binary} -s ${bundle})`);
const run = runInXs(bundle);
const result = resultOf(run) as ScenarioResult;
console.log(`XS ran the scenario: ${result.live.length} polls, ${result.can.length} CAN frames, ${result.alerts.length} alert events, ${result.mqtt.published} MQTT messages`);
