import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf, runInXs } from '../../xs/support/run_xs';
import { runSimulatorSession } from './xs/sim_scenario';

describe('TinyBMS simulator on the XS engine', () => {
  it('runs in bare XS and produces exactly the registers and frames it produces on Node', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xs-sim-'));
    try {
      const script = path.join(dir, 'sim_entry.js');
      bundleForXs(path.join(__dirname, 'xs/sim_entry.ts'), script);
      const onXs = resultOf(runInXs(script));
      const onNode = JSON.parse(JSON.stringify(runSimulatorSession()));
      expect(onNode.faulted.ok).toBe(true);
      expect(onNode.test.badCrc).toBe('AA 00 03 01 E0 CC');
      expect(onXs).toEqual(onNode);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
