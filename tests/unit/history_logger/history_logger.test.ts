import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFiles } from '../../../hosts/mocks/memory_files';
import { FolderFileStore } from '../../../hosts/node/file_store';
import type { FileStore } from '../../../hosts/ports/files';
import fc from 'fast-check';
import { csvHeader, formatLine, HistoryLogger, type HistorySample, parseDay, sampleOf } from '../../../modules/history_logger';
import { createTestContext, liveData, type TestContext, WALL_ORIGIN } from '../alert_manager/support/context';

const HEADER = csvHeader();

/** A day's samples as an array (the logger hands them out one by one). */
function daySamples(history: HistoryLogger, date: string): HistorySample[] | undefined {
  const samples = history.samples(date);
  return samples && [...samples];
}

async function textOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

function started(options: { files?: FileStore; interval_s?: number; reserveBytes?: number; retention_days?: number; flush_s?: number } = {}) {
  // flush_interval_s 0 (each sample written at once) unless a test is about the flush policy.
  const history_ = { sample_interval_s: options.interval_s ?? 5, retention_days: options.retention_days ?? 7, flush_interval_s: options.flush_s ?? 0 };
  const t = createTestContext({ files: options.files, config: { history: history_ } });
  const history = new HistoryLogger(t.ctx, { reserveBytes: options.reserveBytes ?? 0 });
  history.start();
  return { t, history };
}

/** `count` sample periods, each with fresh BMS data 1 s before the sample; returns the samples expected. */
function run(t: TestContext, count: number, overrides: (i: number) => Parameters<typeof liveData>[1] = () => ({})): HistorySample[] {
  const interval = t.ctx.config().history.sample_interval_s * 1000;
  const expected: HistorySample[] = [];
  for (let i = 0; i < count; i++) {
    t.clock.advance(interval - 1000);
    const data = liveData(t.clock.now(), overrides(i));
    t.emit('bms.data', data);
    t.clock.advance(1000);
    expected.push(sampleOf(data, t.clock.wallTime())!);
  }
  return expected;
}

describe('history_logger', () => {
  it('writes one line every 5 s to the day file, header first, matching the samples', () => {
    const { t, history } = started();
    const samples = run(t, 3, (i) => ({ pack_voltage_v: 52 + i / 10, pack_current_a: 0 - i * 2.5, state_of_charge_pct: 80 - i }));
    expect(t.files.read('history/2026-03-01.csv')).toBe(
      [HEADER,
        '2026-03-01T00:00:05.000Z,52.000,0.00,80.0,25.0,24.0,3.300,3.300',
        '2026-03-01T00:00:10.000Z,52.100,-2.50,79.0,25.0,24.0,3.300,3.300',
        '2026-03-01T00:00:15.000Z,52.200,-5.00,78.0,25.0,24.0,3.300,3.300', ''].join('\n'),
    );
    expect(daySamples(history, '2026-03-01')).toEqual(samples);
    expect(history.metrics()).toMatchObject({ samples_written_total: 3, day_files: 1 });
    history.stop();
  });

  it('writes nothing without data, with invalid data or with stale data', () => {
    const { t, history } = started();
    t.clock.advance(30_000);
    t.emit('bms.data', liveData(t.clock.now(), { data_valid: false }));
    t.clock.advance(5_000);
    t.emit('bms.data', liveData(t.clock.now()));
    t.clock.advance(20_000); // 5 s allowed (bms.stale_after_ms): the first tick writes, the rest see stale data
    expect(history.files()).toHaveLength(1);
    expect(daySamples(history, '2026-03-01')).toHaveLength(1);
    expect(history.metrics()).toMatchObject({ samples_written_total: 1, samples_skipped_stale_total: 10 });
    history.stop();
  });

  it('writes nothing while the wall clock is unset', () => {
    const t = createTestContext();
    const files = t.files as MemoryFiles;
    for (let d = 1; d <= 7; d++) files.append(`history/2026-02-0${d}.csv`, `${HEADER}\n`);
    const c = t.clock;
    const unsetClock = { now: () => c.now(), wallTime: () => 5_000, setTimer: c.setTimer.bind(c), setInterval: c.setInterval.bind(c), clear: c.clear.bind(c) };
    const unset = { ...t.ctx, host: { ...t.ctx.host, clock: unsetClock } };
    const history = new HistoryLogger(unset);
    history.start();
    run(t, 3);
    expect(files.paths()).toHaveLength(7);
    expect(history.metrics()).toMatchObject({ samples_written_total: 0, samples_skipped_no_clock_total: 3 });
    history.stop();
  });

  it('keeps exactly 7 day files over 9 simulated days, the newest ones', () => {
    const { t, history } = started({ interval_s: 600 });
    run(t, 9 * 144 - 1); // the 144th sample of a day is at midnight, in the next day
    expect(history.files().map((d) => d.date)).toEqual(['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09']);
    expect(daySamples(history, '2026-03-05')).toHaveLength(144);
    expect(history.metrics()).toMatchObject({ day_files: 7, day_files_expired_total: 2 });
    history.stop();
  });

  it('applies a shorter retention at once', () => {
    const { t, history } = started({ interval_s: 3600 });
    run(t, 4 * 24);
    t.patchConfig({ history: { retention_days: 2 } });
    expect(history.files().map((d) => d.date)).toEqual(['2026-03-04', '2026-03-05']);
    history.stop();
  });

  it('drops a torn last line on read and keeps every line before it; the next write closes it', () => {
    const files = new MemoryFiles({ capacityBytes: 1_000_000 });
    const { t, history } = started({ files });
    const first = run(t, 4);
    files.failNextAppend('power cut', 23);
    run(t, 1);
    expect(history.read('2026-03-01')).toMatchObject({ total: 4, samples: first, torn_tail: true, rejected_lines: 0 });
    const later = run(t, 2);
    expect(history.read('2026-03-01')).toMatchObject({ total: 6, samples: [...first, ...later], torn_tail: false, rejected_lines: 1 });
    expect(history.metrics()).toMatchObject({ samples_dropped_total: 1, samples_written_total: 6 });
    expect(history.csv('2026-03-01')).toBe(HEADER + '\n' + [...first, ...later].map((s) => formatLine(s)).join(''));
    history.stop();
  });

  it('after a restart, closes a partial line left by the previous session before writing', () => {
    const files = new MemoryFiles();
    const before = liveData(0);
    files.append('history/2026-03-01.csv', `${HEADER}\n${formatLine(sampleOf(before, WALL_ORIGIN)!)}2026-03-01T00:0`);
    const { t, history } = started({ files });
    const after = run(t, 1);
    const page = history.read('2026-03-01')!;
    expect(page.samples).toEqual([sampleOf(before, WALL_ORIGIN), ...after]);
    expect(page.rejected_lines).toBe(1);
    history.stop();
  });

  it('removes the oldest day when the store is full, before dropping a sample', () => {
    const files = new MemoryFiles({ capacityBytes: 10_000_000 });
    const { t, history } = started({ files, interval_s: 3600 });
    run(t, 3 * 24 + 1); // 2026-03-01 .. 03-04
    const used = files.usedBytes();
    files.setCapacity(used + 30); // room for less than one line
    run(t, 1);
    expect(history.files().map((d) => d.date)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    expect(daySamples(history, '2026-03-04')).toHaveLength(3);
    expect(history.metrics()).toMatchObject({ day_files_evicted_for_space_total: 1, samples_dropped_total: 0 });
    expect(t.logs).toContainEqual({ level: 'warn', tag: 'history_logger', message: 'history store full: removed 2026-03-01 to make room' });
    history.stop();
  });

  it('drops the sample only when no older day is left, and keeps today', () => {
    const files = new MemoryFiles({ capacityBytes: 10_000_000 });
    const { t, history } = started({ files });
    run(t, 10);
    files.setCapacity(files.usedBytes() + 10);
    run(t, 3);
    expect(daySamples(history, '2026-03-01')).toHaveLength(10);
    expect(history.metrics()).toMatchObject({ samples_dropped_total: 3, day_files_evicted_for_space_total: 0 });
    // One error line per failure streak.
    expect(t.logs.filter((l) => l.level === 'error')).toHaveLength(1);
    files.setCapacity(10_000_000);
    run(t, 1);
    expect(daySamples(history, '2026-03-01')).toHaveLength(11);
    history.stop();
  });

  it('keeps the reserve free, removing old days to stay above it', () => {
    const files = new MemoryFiles({ capacityBytes: 10_000_000 });
    const { t, history } = started({ files, interval_s: 3600, reserveBytes: 1000 });
    run(t, 2 * 24 + 1);
    files.setCapacity(files.usedBytes() + 1050);
    run(t, 1);
    expect(history.files().map((d) => d.date)).toEqual(['2026-03-02', '2026-03-03']);
    expect(files.freeBytes()).toBeGreaterThanOrEqual(1000);
    history.stop();
  });

  it('stops evicting when a removed day is still listed', () => {
    const files = new MemoryFiles({ capacityBytes: 10_000_000 });
    const { t, history } = started({ files, interval_s: 3600 });
    run(t, 24 + 1);
    files.setCapacity(files.usedBytes() + 10);
    files.delete = () => {}; // a store whose delete silently does nothing
    run(t, 1);
    expect(history.files()).toHaveLength(2);
    expect(history.metrics()).toMatchObject({ samples_dropped_total: 1, day_files_evicted_for_space_total: 1 });
    history.stop();
  });

  it('removes no day on a write error while space is free', () => {
    const files = new MemoryFiles({ capacityBytes: 10_000_000 });
    const { t, history } = started({ files, interval_s: 3600 });
    run(t, 2 * 24 + 1);
    files.failNextAppend('EIO');
    run(t, 1);
    expect(history.files()).toHaveLength(3);
    expect(history.metrics()).toMatchObject({ samples_dropped_total: 1, day_files_evicted_for_space_total: 0 });
    expect(t.logs).toContainEqual({ level: 'error', tag: 'history_logger', message: 'history samples not written: EIO' });
    history.stop();
  });

  it('pages a day, lists files, defaults to the newest day and refuses bad queries', async () => {
    const { t, history } = started({ interval_s: 3600 });
    const samples = run(t, 30);
    expect(history.read('2026-03-01', 5, 20)).toMatchObject({ date: '2026-03-01', total: 23, offset: 20, limit: 5, samples: samples.slice(20, 23) });
    expect(history.read(undefined, 2)).toMatchObject({ date: '2026-03-02', total: 7, samples: samples.slice(23, 25) });
    expect(history.read('2026-02-01')).toBeUndefined();
    expect(history.csv('2026-02-01')).toBeUndefined();
    expect(history.download('2026-02-01', 'json')).toBeUndefined();
    expect(JSON.parse(await textOf(history.download('2026-03-02', 'json')!))).toEqual({ date: '2026-03-02', samples: samples.slice(23) });
    expect(history.files()).toEqual([
      { date: '2026-03-01', name: '2026-03-01.csv', size_bytes: t.files.read('history/2026-03-01.csv')!.length },
      { date: '2026-03-02', name: '2026-03-02.csv', size_bytes: t.files.read('history/2026-03-02.csv')!.length },
    ]);
    expect(() => history.read('2026-02-30')).toThrow(RangeError);
    expect(() => history.read('../config')).toThrow(RangeError);
    expect(() => history.csv('x')).toThrow(RangeError);
    expect(() => history.read('2026-03-01', 0)).toThrow(RangeError);
    expect(() => history.read('2026-03-01', 10, -1)).toThrow(RangeError);
    expect(() => history.read('2026-03-01', 10_001)).toThrow(RangeError);
    history.stop();
  });

  it('erases the day files and nothing else', () => {
    const files = new MemoryFiles();
    files.append('history/notes.txt', 'keep me');
    const { t, history } = started({ files, interval_s: 3600 });
    run(t, 30);
    expect(history.erase()).toBe(2);
    expect(files.paths()).toEqual(['history/notes.txt']);
    run(t, 1);
    expect(files.read('history/2026-03-02.csv')!.startsWith(`${HEADER}\n`)).toBe(true);
    history.stop();
  });

  it('follows a changed sample interval', () => {
    const { t, history } = started();
    t.patchConfig({ history: { sample_interval_s: 60 } });
    run(t, 3);
    expect(daySamples(history, '2026-03-01')!.map((s) => s.timestamp_ms - WALL_ORIGIN)).toEqual([60_000, 120_000, 180_000]);
    history.stop();
  });

  it('reads 9 simulated days back page by page, the same samples as a whole-file read, in 4 KB pieces', () => {
    const files = new MemoryFiles();
    const { t, history } = started({ files, interval_s: 30, retention_days: 10 });
    const written = run(t, 9 * 2880 - 1); // 2880 samples a day, the last one at midnight of day 10
    const days = history.files().map((d) => d.date);
    expect(days).toHaveLength(9);
    const wholeFileSamples = days.map((date) => parseDay(files.read(`history/${date}.csv`)!).samples);
    expect(wholeFileSamples.flat()).toEqual(written);
    files.resetReadStats();
    days.forEach((date, d) => {
      const paged: HistorySample[] = [];
      for (let offset = 0; ; offset += 700) {
        const page = history.read(date, 700, offset)!;
        expect(page).toMatchObject({ date, total: wholeFileSamples[d].length, rejected_lines: 0, torn_tail: false });
        if (page.samples.length === 0) break;
        paged.push(...page.samples);
      }
      expect(paged).toEqual(wholeFileSamples[d]);
    });
    // Any page matches the slice of the whole-file read.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 10_000 }), (d, offset, limit) => {
        expect(history.read(days[d], limit, offset)!.samples).toEqual(wholeFileSamples[d].slice(offset, offset + limit));
      }),
      { numRuns: 60 },
    );
    expect(files.wholeFileReads()).toBe(0);
    expect(files.largestRangeRead()).toBeLessThanOrEqual(4096);
    history.stop();
  });

  it('keeps total current as samples arrive, reading only the new bytes', () => {
    const files = new MemoryFiles();
    const { t, history } = started({ files, interval_s: 5 });
    run(t, 2000);
    expect(history.read('2026-03-01', 10, 1990)).toMatchObject({ total: 2000 });
    const sizeBefore = files.size('history/2026-03-01.csv')!;
    const more = run(t, 25);
    files.resetReadStats();
    const page = history.read('2026-03-01', 10, 2015)!;
    expect(page).toMatchObject({ total: 2025, samples: more.slice(15) });
    const appended = files.size('history/2026-03-01.csv')! - sizeBefore;
    // The index reads the appended lines; the page reads from the nearest checkpoint (sample 1536).
    expect(files.rangeBytesRead()).toBeLessThan(appended + (2025 - 1536) * 70 + 4096);
    expect(files.rangeBytesRead()).toBeLessThan(files.size('history/2026-03-01.csv')! / 2);
    history.stop();
  });

  it('forgets what it knew of a day when the day is erased and starts again', () => {
    const { t, history } = started({ interval_s: 5 });
    run(t, 600, () => ({ pack_current_a: -100.25 })); // longer lines than the ones after the erase
    expect(history.read('2026-03-01', 1, 0)).toMatchObject({ total: 600 });
    history.erase();
    // Larger than before: only the removal, not the file size, says the old counts are void.
    const fresh = run(t, 700, (i) => ({ pack_voltage_v: 50 + i / 1000 }));
    expect(history.read('2026-03-01', 10, 690)).toMatchObject({ total: 700, rejected_lines: 0, samples: fresh.slice(690) });
    history.stop();
  });

  it('works on the Node folder file store, torn tail included', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'history-'));
    try {
      const { t, history: before } = started({ files: new FolderFileStore(dir), interval_s: 3600 });
      const samples = run(t, 26);
      before.stop();
      // Power cut in the middle of the next line, then a restart on the same folder.
      fs.appendFileSync(path.join(dir, 'history/2026-03-02.csv'), '2026-03-02T02:00:00.000Z,52.1');
      const history = new HistoryLogger({ ...t.ctx, host: { ...t.ctx.host, files: new FolderFileStore(dir) } });
      history.start();
      expect(history.read('2026-03-02')).toMatchObject({ total: 3, samples: samples.slice(23), torn_tail: true });
      const more = run(t, 1);
      expect(history.read('2026-03-02')).toMatchObject({ samples: [...samples.slice(23), ...more], rejected_lines: 1, torn_tail: false });
      expect(history.files().map((d) => [d.date, d.size_bytes])).toEqual([
        ['2026-03-01', fs.statSync(path.join(dir, 'history/2026-03-01.csv')).size],
        ['2026-03-02', fs.statSync(path.join(dir, 'history/2026-03-02.csv')).size],
      ]);
      expect(history.erase()).toBe(2);
      expect(fs.readdirSync(path.join(dir, 'history'))).toEqual([]);
      history.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('history flush policy', () => {
  it('keeps samples in RAM until the oldest waited flush_interval_s, then writes them in one append', () => {
    const files = new MemoryFiles();
    let appends = 0;
    const append = files.append.bind(files);
    files.append = (path: string, text: string) => {
      appends++;
      append(path, text);
    };
    const { t, history } = started({ files, flush_s: 30 });
    run(t, 6); // 5 s apart: 0..25 s after the first, all pending
    expect(appends).toBe(0);
    expect(history.metrics()).toMatchObject({ samples_pending: 6, samples_written_total: 0 });
    run(t, 1); // 30 s after the first: flushed with it
    expect(appends).toBe(1);
    expect(history.metrics()).toMatchObject({ samples_pending: 0, samples_written_total: 7, flushes_total: 1 });
  });

  it('flushes before a read and at stop, so what the API shows is what is on flash', () => {
    const files = new MemoryFiles();
    const { t, history } = started({ files, flush_s: 60 });
    const expected = run(t, 3);
    const date = history.files()[0]?.date ?? '';
    expect(daySamples(history, date)).toEqual(expected);
    run(t, 2);
    history.stop();
    expect(files.read(`history/${date}.csv`)?.trim().split('\n')).toHaveLength(1 + 5);
  });

  it('reports a failing flush as a storage fault once, and its end', () => {
    const files = new MemoryFiles();
    const { t, history } = started({ files, flush_s: 0 });
    const faults: string[] = [];
    t.ctx.bus.subscribe('storage.fault', ({ area, ok }) => faults.push(`${area}:${ok}`));
    const append = files.append.bind(files);
    files.append = () => {
      throw new Error('I/O error');
    };
    run(t, 3);
    t.clock.runDue();
    expect(history.writeFailing).toBe(true);
    files.append = append;
    run(t, 1);
    t.clock.runDue();
    expect(faults).toEqual(['history:false', 'history:true']);
  });
});
