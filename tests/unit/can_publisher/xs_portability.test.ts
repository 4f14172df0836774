/** The same CAN codecs, charge control, publisher and driver on the XS engine give the same answers as on Node. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf, runInXs } from '../../xs/support/run_xs';
import { runCanScenario } from './xs/can_scenario';

describe('can_victron and can_publisher on the XS engine', () => {
  it('encode, decode, decide and publish exactly as on Node', () => {
    const onNode = JSON.parse(JSON.stringify(runCanScenario())) as { encoded: string[]; frames: string[] };
    // Guard against comparing two empty answers.
    expect(onNode.encoded[0]).toBe('2802E803DC05E001');
    expect(onNode.frames.length).toBeGreaterThan(60);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xs-can-'));
    try {
      const script = path.join(dir, 'can_entry.js');
      bundleForXs(path.join(__dirname, 'xs/can_entry.ts'), script);
      expect(resultOf(runInXs(script))).toEqual(onNode);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
