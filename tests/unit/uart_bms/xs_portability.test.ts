/** The same uart_bms code on the XS engine gives the same answers as on Node. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf, runInXs } from '../../xs/support/run_xs';

describe('uart_bms on the XS engine', () => {
  it('encodes, decodes, frames, describes and polls exactly as on Node', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xs-uart-'));
    try {
      const script = path.join(dir, 'uart_scenario.js');
      bundleForXs(path.join(__dirname, 'xs/uart_scenario.ts'), script);
      expect(resultOf(runInXs(script))).toEqual({
        check: 0x4b37,
        v1: 'AA 10 01 3B 00 02 04 10 68 09 C4 19 61',
        v2: [38720, 38720, 38700, 38700, 38700],
        s5: 55.78,
        jonas: 'bad_crc',
        framed: ['AA010D91B5'],
        framerStats: { frames: 1, crcErrors: 0, discardedBytes: 5, buffered: 2 },
        live: { v: 55.78, soc: 83.554824, cells: [3980, 3981, 3982, 3983, 3983, 3984, 3989, 3990, 3983, 3983, 3983, 3984, 3988, 3988], status: 'idle', temps: [] }, // only the board sensor reads in this capture: no cell temperature
        described: { command: 'read_individual_registers', kind: 'response', online_status: 'idle', online_status_code: 151, cell_count: 14, also_valid_as: 'request' },
        rejected: 'overvoltage_cutoff_mv: 5000 is outside 1200..4500 mV',
        polled: [[true, 55.78, 14]],
        wakeups: 1,
        polls_ok: 1,
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
