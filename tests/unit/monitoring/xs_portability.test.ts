import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf, runInXs } from '../../xs/support/run_xs';
import { runScenario } from './xs/scenario';

describe('alerts, history and monitoring on the XS engine', () => {
  it('give the same results in bare XS as on Node', () => {
    const onNode = JSON.parse(JSON.stringify(runScenario()));
    // The scenario is not trivial: alerts raised, days rotated, a torn line dropped.
    expect(onNode.alerts).toEqual([
      // Hour 51 is first past the limit; the 2 s minimum is met at hour 52's sample.
      'OVER_VOLTAGE|error|true|1|Cell 7 at 3.652 V exceeds 3.650 V',
      // The power cut tore one history write: STORAGE_FAULT raised, cleared at the next good write, latched.
      'STORAGE_FAULT|error|false|1|Storage (history) failing, feature degraded, BMS→CAN unaffected: history cannot be written: power cut',
      // Hourly data: lost and back every hour, 72 times, then the final silence.
      'BMS_COMM_LOST|error|true|73|No valid BMS data for 30.0 s',
    ]);
    expect(onNode.days).toEqual(['2026-03-03.csv:1602', '2026-03-04.csv:132']);
    expect(onNode.csvHead).toEqual(['timestamp,voltage,current,soc,temp_max,temp_min,cell_max,cell_min', '2026-03-04T00:00:00.000Z,58.436,-17.75,80.0,25.0,24.0,3.671,3.651']);
    expect(onNode.page).toMatchObject({ total: 23, rejected: 1, torn: false });
    expect(onNode.selfTest).toEqual(['bms_link:fail', 'can_running:pass', 'store_writable:pass', 'history_writable:pass', 'clock_sane:pass']);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xs-monitoring-'));
    try {
      const script = path.join(dir, 'scenario.js');
      bundleForXs(path.join(__dirname, 'xs/entry.ts'), script);
      expect(resultOf(runInXs(script))).toEqual(onNode);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
