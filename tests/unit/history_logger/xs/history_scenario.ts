/**
 * History reads in bounded pieces, run on Node and in bare XS (xs_portability.test.ts compares):
 * a day of 3 000 samples with a garbage line and a torn tail, paged, streamed as page JSON, CSV
 * and JSON downloads, and split at many chunk sizes. Portable: no Node facilities; prints one
 * RESULT line when run as the XS entry.
 */
import { MemoryFiles } from '../../../../hosts/mocks/memory_files';
import { csvHeader, formatLine, HistoryLogger, LineSplitter, parseDay } from '../../../../modules/history_logger';
import { createTestContext } from '../../alert_manager/support/context';
import { sampleAt } from '../support/full_day';

declare const print: ((text: string) => void) | undefined;

const DATE = '2026-03-01';
const PATH = `history/${DATE}.csv`;

/**
 * The streamed text, its largest chunk and a fingerprint (length and a rolling sum of the bytes).
 * Works on the bytes and joins the text once: XS strings are flat UTF-8, so appending copies the
 * whole text and charCodeAt(i) walks from the start.
 */
async function textOf(chunks: AsyncIterable<Uint8Array>): Promise<{ text: string; largest: number; fingerprint: string }> {
  const parts: string[] = [];
  let largest = 0;
  let length = 0;
  let sum = 0;
  for await (const chunk of chunks) {
    largest = Math.max(largest, chunk.length);
    length += chunk.length;
    for (let i = 0; i < chunk.length; i++) sum = (sum * 31 + chunk[i]) % 1_000_000_007;
    for (let at = 0; at < chunk.length; at += 256) parts.push(String.fromCharCode(...chunk.subarray(at, at + 256)));
  }
  return { text: parts.join(''), largest, fingerprint: `${length}:${sum}` };
}

export async function runHistoryScenario(): Promise<Record<string, unknown>> {
  const files = new MemoryFiles();
  files.append(PATH, `${csvHeader()}\n`);
  for (let i = 0; i < 3000; i++) {
    files.append(PATH, formatLine(sampleAt(Date.UTC(2026, 2, 1), i)));
    if (i === 1234) files.append(PATH, `${'#'.repeat(5000)}\n`);
  }
  files.append(PATH, '2026-03-01T04:10:00.000Z,52.');
  const whole = files.read(PATH)!;

  files.resetReadStats();
  const history = new HistoryLogger(createTestContext({ files }).ctx);
  const page = history.read(DATE, 3, 2990)!;
  const pageJson = await textOf(history.pageJson(DATE, 2000, 1000)!);
  const csv = await textOf(history.download(DATE, 'csv')!);
  const json = await textOf(history.download(DATE, 'json')!);
  const parsedJson = JSON.parse(json.text) as { samples: unknown[] };

  // The same lines whatever the chunk size.
  const reads = { largestRangeRead: files.largestRangeRead(), wholeFileReads: files.wholeFileReads() };
  const bytes = files.readRange(PATH, 0, files.size(PATH)!)!; // whole, on purpose: the splitting reference
  const splits: string[] = [];
  for (const size of [1, 7, 64, 4096, bytes.length]) {
    const splitter = new LineSplitter(512);
    let lines = 0;
    let rejected = 0;
    for (let at = 0; at < bytes.length; at += size) {
      for (const line of splitter.push(bytes.subarray(at, at + size))) {
        lines++;
        if (line.text === undefined) rejected++;
      }
    }
    splits.push(`${size}:${lines}:${rejected}:${splitter.pendingBytes}:${splitter.peakBufferedBytes <= 512}`);
  }

  return {
    page: { total: page.total, rejected: page.rejected_lines, torn: page.torn_tail, samples: page.samples },
    pageJson: { fingerprint: pageJson.fingerprint, samples: (JSON.parse(pageJson.text) as { samples: unknown[] }).samples.length },
    csv: { fingerprint: csv.fingerprint, sameAsWholeParse: csv.text === `${csvHeader()}\n${parseDay(whole).samples.map((s) => formatLine(s)).join('')}` },
    json: { fingerprint: json.fingerprint, samples: parsedJson.samples.length },
    largestOutputChunk: Math.max(pageJson.largest, csv.largest, json.largest),
    ...reads,
    splits,
  };
}

if (typeof print === 'function') {
  runHistoryScenario().then(
    (result) => print(`RESULT ${JSON.stringify(result)}`),
    (error: unknown) => print(`RESULT ${JSON.stringify({ error: String(error) })}`),
  );
}
