/**
 * The read views of the day files, all in bounded memory: JSON pages (through the day index, so
 * a page reads from the nearest checkpoint and stops once it is full), samples one by one, and
 * CSV/JSON downloads as byte chunks produced while the file is read. Nothing here holds more
 * than one read chunk, one output chunk and (for `page`) the page itself.
 */
import type { FileStore } from '../../hosts/ports/files';
import { utf8Encode } from '../util/utf8';
import { csvHeader, formatLine, type HistorySample } from './csv';
import { type DayIndex, DayIndexCache, positionOf } from './day_index';
import { DayScan, DEFAULT_READ_LIMITS, type ReadLimits } from './day_reader';
import { dayPath } from './days';

export interface HistoryPage {
  date: string;
  /** Valid samples in the day. */
  total: number;
  offset: number;
  limit: number;
  /** Oldest first, starting `offset` samples after the day's first. */
  samples: HistorySample[];
  rejected_lines: number;
  torn_tail: boolean;
}

export type DownloadFormat = 'csv' | 'json';

/**
 * Text pieces to byte chunks of exactly `chunkBytes` (the last one shorter). Each piece is
 * encoded and copied straight into the chunk: no growing string (XS strings are flat, so
 * appending would copy the pending text on every piece).
 */
function* inChunks(pieces: Iterable<string>, chunkBytes: number): Generator<Uint8Array, void, undefined> {
  let chunk = new Uint8Array(chunkBytes);
  let used = 0;
  for (const piece of pieces) {
    const bytes = utf8Encode(piece);
    for (let from = 0; from < bytes.length; ) {
      const taken = Math.min(bytes.length - from, chunkBytes - used);
      chunk.set(bytes.subarray(from, from + taken), used);
      used += taken;
      from += taken;
      if (used === chunkBytes) {
        yield chunk; // handed over: the consumer may keep it, so the next chunk is a new array
        chunk = new Uint8Array(chunkBytes);
        used = 0;
      }
    }
  }
  if (used > 0) yield chunk.slice(0, used);
}

/** `[` + one JSON text per sample, comma separated + `]`, as pieces. */
function* jsonArray(samples: Iterable<HistorySample>): Generator<string, void, undefined> {
  yield '[';
  let first = true;
  for (const sample of samples) {
    yield first ? JSON.stringify(sample) : `,${JSON.stringify(sample)}`;
    first = false;
  }
  yield ']';
}

export class HistoryReader {
  #files: FileStore;
  #limits: ReadLimits;
  #index: DayIndexCache;

  constructor(files: FileStore, limits: ReadLimits = DEFAULT_READ_LIMITS) {
    this.#files = files;
    this.#limits = limits;
    this.#index = new DayIndexCache(files, limits);
  }

  /** The day's counts, brought up to date (reads only what was appended since the last call). */
  index(date: string): DayIndex | undefined {
    return this.#index.refresh(date);
  }

  /** Drop what is known about a day (its file was removed). */
  forget(date?: string): void {
    if (date === undefined) this.#index.clear();
    else this.#index.forget(date);
  }

  /** `limit` samples from the `offset`-th (oldest first); undefined when there is no such day. */
  page(date: string, limit: number, offset: number): HistoryPage | undefined {
    const index = this.index(date);
    if (!index) return undefined;
    return { ...this.#pageHead(index, limit, offset), samples: [...this.#pageSamples(index, limit, offset)] };
  }

  /**
   * The same page as a JSON object streamed in chunks, `samples` last so it can be written while
   * the file is read. Counts are taken now; undefined when there is no such day.
   */
  pageJson(date: string, limit: number, offset: number): Iterable<Uint8Array> | undefined {
    const index = this.index(date);
    if (!index) return undefined;
    const head = JSON.stringify(this.#pageHead(index, limit, offset)).slice(0, -1);
    const samples = this.#pageSamples(index, limit, offset);
    return inChunks((function* () {
      yield `${head},"samples":`;
      yield* jsonArray(samples);
      yield '}';
    })(), this.#limits.chunkBytes);
  }

  /** Every valid sample of the day as it is now, oldest first, read lazily; undefined when there is no such day. */
  samples(date: string): Iterable<HistorySample> | undefined {
    const size = this.#files.size(dayPath(date));
    return size === undefined ? undefined : this.#samplesUpTo(date, size);
  }

  /**
   * The day as a download, in chunks of at most the read chunk size: a clean CSV (header, valid
   * lines only) or JSON `{ "date", "samples": [...] }`. Covers the file as it is now (later
   * appends are not included); undefined when there is no such day. A chunk throws
   * HistoryReadError if the file is removed while the download runs.
   */
  download(date: string, format: DownloadFormat): Iterable<Uint8Array> | undefined {
    const size = this.#files.size(dayPath(date));
    if (size === undefined) return undefined;
    const pieces = format === 'csv' ? this.#csvLines(date, size) : this.#jsonDay(date, size);
    return inChunks(pieces, this.#limits.chunkBytes);
  }

  #pageHead(index: DayIndex, limit: number, offset: number): Omit<HistoryPage, 'samples'> {
    return { date: index.date, total: index.samples, offset, limit, rejected_lines: index.rejected_lines, torn_tail: index.torn_tail };
  }

  *#pageSamples(index: DayIndex, limit: number, offset: number): Generator<HistorySample, void, undefined> {
    if (offset >= index.samples) return;
    const { from, skip } = positionOf(index, offset);
    let skipped = 0;
    let taken = 0;
    for (const entry of new DayScan(this.#files, dayPath(index.date), from, index.end, this.#limits).entries()) {
      if (!entry.sample) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      yield entry.sample;
      if (++taken >= limit) return;
    }
  }

  *#samplesUpTo(date: string, size: number): Generator<HistorySample, void, undefined> {
    for (const entry of new DayScan(this.#files, dayPath(date), { offset: 0, layout: undefined }, size, this.#limits).entries()) {
      if (entry.sample) yield entry.sample;
    }
  }

  *#csvLines(date: string, size: number): Generator<string, void, undefined> {
    const scan = new DayScan(this.#files, dayPath(date), { offset: 0, layout: undefined }, size, this.#limits);
    let headerSent = false;
    for (const entry of scan.entries()) {
      if (!entry.sample) continue;
      // The layout is known once a line has been read: the header follows the file's own.
      const layout = scan.layout ?? 'with_cells';
      if (!headerSent) yield `${csvHeader(layout)}\n`;
      headerSent = true;
      yield formatLine(entry.sample, layout);
    }
    if (!headerSent) yield `${csvHeader(scan.layout ?? 'with_cells')}\n`;
  }

  *#jsonDay(date: string, size: number): Generator<string, void, undefined> {
    yield `{"date":${JSON.stringify(date)},"samples":`;
    yield* jsonArray(this.#samplesUpTo(date, size));
    yield '}';
  }
}
