import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf, runInXs } from '../../xs/support/run_xs';
import { runHistoryScenario } from './xs/history_scenario';

jest.setTimeout(120_000);

describe('history reads on the XS engine', () => {
  it('page, stream and split a day in bounded pieces exactly as on Node', async () => {
    const onNode = JSON.parse(JSON.stringify(await runHistoryScenario()));
    // Not trivial: a rejected garbage line, a torn tail, 4 KB pieces, no whole-file read.
    expect(onNode.page).toMatchObject({ total: 3000, rejected: 1, torn: true });
    expect(onNode.page.samples).toHaveLength(3);
    expect(onNode.pageJson.samples).toBe(2000);
    expect(onNode.csv.sameAsWholeParse).toBe(true);
    expect(onNode.json.samples).toBe(3000);
    expect(onNode.largestOutputChunk).toBe(4096);
    expect(onNode.largestRangeRead).toBe(4096);
    expect(onNode.wholeFileReads).toBe(0);
    const lines = onNode.splits[0].split(':').slice(1);
    expect(lines).toEqual(['3002', '1', String('2026-03-01T04:10:00.000Z,52.'.length), 'true']);
    expect(new Set(onNode.splits.map((s: string) => s.split(':').slice(1).join(':'))).size).toBe(1);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xs-history-'));
    try {
      const script = path.join(dir, 'history_scenario.js');
      bundleForXs(path.join(__dirname, 'xs/history_scenario.ts'), script);
      expect(resultOf(runInXs(script))).toEqual(onNode);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
