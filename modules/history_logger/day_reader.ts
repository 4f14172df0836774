/**
 * Reads a day file in bounded pieces: `readRange` of at most `chunkBytes` at a time, split into
 * lines (line_splitter) and classified (csv DayLines). Memory held: one chunk plus at most one
 * unfinished line, whatever the file size. A scan stops at a fixed end offset, so lines appended
 * while it runs are left for the next read.
 */
import type { FileStore } from '../../hosts/ports/files';
import { type CsvLayout, DayLines, type HistorySample } from './csv';
import { LineSplitter } from './line_splitter';

export interface ReadLimits {
  /** Bytes per readRange (4 KB: a few lines' worth, small next to the ESP32's XS heap). */
  chunkBytes: number;
  /** A line longer than this is rejected without being held (valid lines are < 100 bytes). */
  maxLineBytes: number;
}

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({ chunkBytes: 4096, maxLineBytes: 512 });

/** Where a scan starts: a line start, with the layout the header gave (undefined at the file start). */
export interface ScanStart {
  offset: number;
  layout: CsvLayout | undefined;
}

export interface DayEntry {
  /** Undefined for a complete line that is not a valid sample. */
  sample: HistorySample | undefined;
  /** Byte offset of the line. */
  start: number;
}

/** The file went away or shrank during a read: what was read so far cannot be trusted as whole. */
export class HistoryReadError extends Error {
  override name = 'HistoryReadError';
}

export class DayScan {
  readonly path: string;
  /** The scan reads bytes [start, to). */
  readonly to: number;
  #files: FileStore;
  #limits: ReadLimits;
  #lines: DayLines;
  #splitter: LineSplitter;
  #started = false;

  constructor(files: FileStore, path: string, from: ScanStart, to: number, limits: ReadLimits = DEFAULT_READ_LIMITS) {
    if (!Number.isSafeInteger(limits.chunkBytes) || limits.chunkBytes < 1) throw new RangeError(`chunkBytes must be a whole number >= 1, got ${limits.chunkBytes}`);
    this.#files = files;
    this.path = path;
    this.to = to;
    this.#limits = limits;
    this.#lines = new DayLines(from.layout);
    this.#splitter = new LineSplitter(limits.maxLineBytes, from.offset);
  }

  /**
   * Every complete line as an entry, header and empty lines left out. Once done, `end` is just
   * past the last complete line and `tornBytes` counts the unfinished line after it. Single use.
   */
  *entries(): Generator<DayEntry, void, undefined> {
    if (this.#started) throw new Error('a DayScan reads once');
    this.#started = true;
    for (let offset = this.#splitter.lineStart; offset < this.to; ) {
      const wanted = Math.min(this.#limits.chunkBytes, this.to - offset);
      const chunk = this.#files.readRange(this.path, offset, wanted);
      if (chunk === undefined) throw new HistoryReadError(`"${this.path}" was removed while being read`);
      if (chunk.length !== wanted) throw new HistoryReadError(`"${this.path}" changed while being read: ${chunk.length} bytes at ${offset}, ${wanted} expected`);
      offset += chunk.length;
      for (const line of this.#splitter.push(chunk)) {
        const verdict = this.#lines.classify(line.text);
        if (verdict === 'skip') continue;
        yield { sample: verdict === 'rejected' ? undefined : verdict, start: line.start };
      }
    }
  }

  /** Just past the last complete line read so far: a later scan resumes here. */
  get end(): number {
    return this.#splitter.lineStart;
  }

  /** The layout the header gave, once a non-empty line has been read. */
  get layout(): CsvLayout | undefined {
    return this.#lines.layout;
  }

  /** Bytes after `end` read so far: once done, a torn tail when > 0. */
  get tornBytes(): number {
    return this.#splitter.pendingBytes;
  }

  /** The most bytes of an unfinished line held between chunks. */
  get peakBufferedBytes(): number {
    return this.#splitter.peakBufferedBytes;
  }
}
