/** XS entry: runs the simulator session and prints one RESULT line. */
import { runSimulatorSession } from './sim_scenario';

declare const print: (text: string) => void;

print(`RESULT ${JSON.stringify(runSimulatorSession())}`);
