/** XS entry: runs the scenario and prints one RESULT line. */
import { runScenario } from './scenario';

declare const print: (text: string) => void;

print(`RESULT ${JSON.stringify(runScenario())}`);
