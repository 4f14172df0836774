/**
 * What a page read needs to know about a day without reading all of it: how many samples and
 * rejected lines it holds, whether it ends torn, and where every CHECKPOINT_EVERY-th sample
 * starts. Day files only grow (appends) until removed, so an index is brought up to date by
 * scanning just the bytes added since; the first read of a day after a start scans it once, in
 * bounded memory. A file smaller than the index knows (removed and started again) is re-indexed;
 * the history logger also forgets a day when it removes its file.
 */
import type { FileStore } from '../../hosts/ports/files';
import type { CsvLayout } from './csv';
import { DayScan, DEFAULT_READ_LIMITS, type ReadLimits, type ScanStart } from './day_reader';
import { dayPath } from './days';

/** Samples between checkpoints: a page read skips at most this many lines. */
export const CHECKPOINT_EVERY = 512;

/** Days indexed at once (the newest reads win); each holds a few dozen numbers. */
const CACHED_DAYS = 8;

export interface DayIndex {
  readonly date: string;
  /** Valid samples in the complete lines. */
  samples: number;
  rejected_lines: number;
  /** The file ends in a partial line (a cut write). */
  torn_tail: boolean;
  /** Just past the last complete line: reads of this index stop here. */
  end: number;
  /** The file size this index has read up to. */
  size: number;
  layout: CsvLayout | undefined;
  /** checkpoints[k]: byte offset of the line of sample k * CHECKPOINT_EVERY (k >= 1); [0] is the file start. */
  checkpoints: number[];
}

/** Where to start reading for the sample at `offset` (counted from the day's first), and how many samples to skip there. */
export function positionOf(index: DayIndex, offset: number): { from: ScanStart; skip: number } {
  const k = Math.min(Math.floor(offset / CHECKPOINT_EVERY), index.checkpoints.length - 1);
  return { from: k === 0 ? { offset: 0, layout: undefined } : { offset: index.checkpoints[k], layout: index.layout }, skip: offset - k * CHECKPOINT_EVERY };
}

export class DayIndexCache {
  #files: FileStore;
  #limits: ReadLimits;
  /** Insertion order = least recently used first. */
  #days = new Map<string, DayIndex>();

  constructor(files: FileStore, limits: ReadLimits = DEFAULT_READ_LIMITS) {
    this.#files = files;
    this.#limits = limits;
  }

  /** The day's index, up to date with the file's current size; undefined when there is no such file. */
  refresh(date: string): DayIndex | undefined {
    const path = dayPath(date);
    const size = this.#files.size(path);
    let index = this.#days.get(date);
    this.#days.delete(date);
    if (size === undefined) return undefined;
    if (!index || size < index.size) index = { date, samples: 0, rejected_lines: 0, torn_tail: false, end: 0, size: 0, layout: undefined, checkpoints: [0] };
    if (size > index.size) this.#extend(index, path, size);
    this.#days.set(date, index);
    if (this.#days.size > CACHED_DAYS) this.#days.delete(this.#days.keys().next().value as string);
    return index;
  }

  forget(date: string): void {
    this.#days.delete(date);
  }

  clear(): void {
    this.#days.clear();
  }

  #extend(index: DayIndex, path: string, size: number): void {
    const scan = new DayScan(this.#files, path, { offset: index.end, layout: index.layout }, size, this.#limits);
    let samples = index.samples;
    let rejected = index.rejected_lines;
    const checkpoints = index.checkpoints.slice();
    for (const entry of scan.entries()) {
      if (!entry.sample) {
        rejected++;
        continue;
      }
      if (samples > 0 && samples % CHECKPOINT_EVERY === 0) checkpoints.push(entry.start);
      samples++;
    }
    // Only a scan that finished changes the index (a failed one throws before this).
    Object.assign(index, { samples, rejected_lines: rejected, checkpoints, end: scan.end, size, layout: scan.layout, torn_tail: scan.tornBytes > 0 });
  }
}
