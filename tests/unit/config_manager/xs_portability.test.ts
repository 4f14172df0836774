import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf, runInXs } from '../../xs/support/run_xs';

describe('config_manager on the XS engine', () => {
  it('validates, persists in chunks, reloads and masks exactly as on Node', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xs-config-'));
    try {
      const script = path.join(dir, 'config_scenario.js');
      bundleForXs(path.join(__dirname, 'xs/config_scenario.ts'), script);
      const run = runInXs(script);
      expect(resultOf(run)).toEqual({
        updated: true,
        rejected: ['mqtt.topic_prefix:format', 'bms.poll_interval_ms:below_min'],
        restartedBroker: 'mqtts://broker.example:8883',
        restartedCaLength: 3054,
        chunkKeys: expect.any(Number),
        masked: true,
        defaultsValid: true,
        utf8: [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80],
        listed: [{ name: '2026-01-01.csv', size: 5 }],
        pathError: 'FilePathError',
      });
      expect((resultOf(run) as { chunkKeys: number }).chunkKeys).toBeGreaterThan(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
