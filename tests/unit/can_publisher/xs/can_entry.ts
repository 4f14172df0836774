/** XS entry: runs the CAN workload and prints one `RESULT <json>` line. */
import { runCanScenario } from './can_scenario';

declare const print: (text: string) => void;
print(`RESULT ${JSON.stringify(runCanScenario())}`);
