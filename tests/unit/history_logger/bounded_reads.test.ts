/**
 * History reads on the ESP32's budget: a full day of 5 s samples (17 280 lines, ~1.2 MB) is
 * paged and downloaded through ranged reads of at most 4 KB, with no whole-file read, output
 * chunks of at most 4 KB and at most one line held between chunks. The memory file store
 * records the largest single read.
 */
import fc from 'fast-check';
import { MemoryFiles } from '../../../hosts/mocks/memory_files';
import { csvHeader, formatDay, formatLine, HistoryLogger, HistoryReadError, parseDay } from '../../../modules/history_logger';
import { DayScan, DEFAULT_READ_LIMITS } from '../../../modules/history_logger/day_reader';
import { HistoryReader } from '../../../modules/history_logger/history_reader';
import { createTestContext } from '../alert_manager/support/context';
import { fullDay, sampleAt as sampleOfDay } from './support/full_day';

const DATE = '2026-03-01';
const PATH = `history/${DATE}.csv`;
const CHUNK = DEFAULT_READ_LIMITS.chunkBytes;
const DAY_START = Date.UTC(2026, 2, 1);

const sampleAt = (i: number) => sampleOfDay(DAY_START, i);
const FULL_DAY = fullDay(DAY_START);

function fullDayFiles(): MemoryFiles {
  const files = new MemoryFiles();
  files.append(PATH, `${csvHeader()}\n`);
  for (const sample of FULL_DAY) files.append(PATH, formatLine(sample));
  return files;
}

function loggerOn(files: MemoryFiles): HistoryLogger {
  return new HistoryLogger(createTestContext({ files }).ctx);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<{ text: string; largestChunk: number; chunks: number }> {
  const parts: Buffer[] = [];
  let largestChunk = 0;
  for await (const chunk of stream) {
    largestChunk = Math.max(largestChunk, chunk.length);
    parts.push(Buffer.from(chunk));
  }
  return { text: Buffer.concat(parts).toString('utf8'), largestChunk, chunks: parts.length };
}

describe('history reads in bounded memory', () => {
  const files = fullDayFiles();
  const wholeText = files.read(PATH)!;
  const history = loggerOn(files);

  beforeEach(() => files.resetReadStats());

  it('streams the CSV download of a full day in 4 KB pieces, never reading the whole file', async () => {
    expect(wholeText.length).toBeGreaterThan(1_000_000);
    const csv = await collect(history.download(DATE, 'csv')!);
    expect(csv.text).toBe(formatDay(FULL_DAY));
    expect(csv.largestChunk).toBeLessThanOrEqual(CHUNK);
    expect(csv.chunks).toBeGreaterThan(250);
    expect(files.largestRangeRead()).toBeLessThanOrEqual(CHUNK);
    expect(files.rangeBytesRead()).toBe(wholeText.length);
    expect(files.wholeFileReads()).toBe(0);
  });

  it('streams the JSON download of a full day as one valid document, in 4 KB pieces', async () => {
    const json = await collect(history.download(DATE, 'json')!);
    expect(JSON.parse(json.text)).toEqual({ date: DATE, samples: FULL_DAY });
    expect(json.largestChunk).toBeLessThanOrEqual(CHUNK);
    expect(files.largestRangeRead()).toBeLessThanOrEqual(CHUNK);
    expect(files.wholeFileReads()).toBe(0);
  });

  it('streams a page of 5 000 samples as JSON with the counts first, reading from the nearest checkpoint', async () => {
    history.read(DATE, 1, 0); // builds the day's index: one pass over the file
    files.resetReadStats();
    const page = await collect(history.pageJson(DATE, 5000, 12_000)!);
    expect(JSON.parse(page.text)).toEqual({ date: DATE, total: 17_280, offset: 12_000, limit: 5000, rejected_lines: 0, torn_tail: false, samples: FULL_DAY.slice(12_000, 17_000) });
    expect(page.largestChunk).toBeLessThanOrEqual(CHUNK);
    // Sample 12 000 is 224 lines after checkpoint 11 776: the page reads little more than itself.
    expect(files.rangeBytesRead()).toBeLessThan(5300 * 80);
    expect(files.largestRangeRead()).toBeLessThanOrEqual(CHUNK);
  });

  it('reads the last page of a day without rereading the day', () => {
    history.read(DATE, 1, 0);
    files.resetReadStats();
    expect(history.read(DATE, 100, 17_200)!.samples).toEqual(FULL_DAY.slice(17_200));
    expect(files.rangeBytesRead()).toBeLessThan(600 * 80 + CHUNK);
  });

  it('holds at most one unfinished line between chunks, also past a huge garbage line', () => {
    const garbage = new MemoryFiles();
    garbage.append(PATH, `${csvHeader()}\n${formatLine(FULL_DAY[0])}`);
    garbage.append(PATH, `${'#'.repeat(200_000)}\n`);
    garbage.append(PATH, formatLine(FULL_DAY[1]));
    const scan = new DayScan(garbage, PATH, { offset: 0, layout: undefined }, garbage.size(PATH)!);
    const entries = [...scan.entries()];
    expect(entries.map((e) => e.sample)).toEqual([FULL_DAY[0], undefined, FULL_DAY[1]]);
    expect(scan.peakBufferedBytes).toBeLessThanOrEqual(DEFAULT_READ_LIMITS.maxLineBytes);
    expect(garbage.largestRangeRead()).toBeLessThanOrEqual(CHUNK);

    const normal = new DayScan(files, PATH, { offset: 0, layout: undefined }, files.size(PATH)!);
    let count = 0;
    for (const entry of normal.entries()) if (entry.sample) count++;
    expect(count).toBe(17_280);
    expect(normal.peakBufferedBytes).toBeLessThan(100); // one CSV line
  });

  it('fails the download, not silently shortens it, when the day is removed while it streams', async () => {
    const doomed = fullDayFiles();
    const reader = loggerOn(doomed);
    const stream = reader.download(DATE, 'csv')![Symbol.asyncIterator]();
    expect((await stream.next()).done).toBe(false);
    doomed.delete(PATH);
    await expect(stream.next()).rejects.toThrow(HistoryReadError);
    expect(reader.download(DATE, 'csv')).toBeUndefined();
  });

  it('leaves out lines appended after a download started', async () => {
    const growing = new MemoryFiles();
    growing.append(PATH, `${csvHeader()}\n${formatLine(FULL_DAY[0])}`);
    const stream = loggerOn(growing).download(DATE, 'csv')!;
    growing.append(PATH, formatLine(FULL_DAY[1]));
    expect((await collect(stream)).text).toBe(formatDay([FULL_DAY[0]]));
  });
});

describe('any read chunk size', () => {
  const sampleArb = fc.integer({ min: 0, max: 17_279 }).map(sampleAt);
  const lineArb = fc.oneof(
    { weight: 6, arbitrary: sampleArb.map((s) => formatLine(s)) },
    { weight: 1, arbitrary: fc.constantFrom('\n', 'garbage,,\n', `${'x'.repeat(700)}\n`) },
  );
  const dayText = fc
    .tuple(fc.constantFrom(`${csvHeader()}\n`, `${csvHeader('basic')}\n`, ''), fc.array(lineArb, { maxLength: 30 }), sampleArb, fc.nat())
    .map(([header, lines, last, cut]) => {
      const tail = formatLine(last);
      return header + lines.join('') + tail.slice(0, cut % tail.length); // torn anywhere, or not at all
    });

  it('pages, samples and downloads give what a whole-text parse gives, torn tail dropped', async () => {
    await fc.assert(
      fc.asyncProperty(dayText, fc.integer({ min: 1, max: 300 }), async (text, chunkBytes) => {
        const files = new MemoryFiles();
        files.append(PATH, text);
        const reader = new HistoryReader(files, { chunkBytes, maxLineBytes: 512 });
        const expected = parseDay(text);
        const page = reader.page(DATE, 10_000, 0)!;
        expect(page).toMatchObject({ total: expected.samples.length, rejected_lines: expected.rejected_lines, torn_tail: expected.torn_tail });
        expect(page.samples).toEqual(expected.samples);
        expect([...reader.samples(DATE)!]).toEqual(expected.samples);
        const csv = Buffer.concat([...reader.download(DATE, 'csv')!]).toString('utf8');
        expect(csv).toBe(formatDay(expected.samples, expected.layout));
        expect(files.largestRangeRead()).toBeLessThanOrEqual(chunkBytes);
      }),
      { numRuns: 300 },
    );
  });
});
