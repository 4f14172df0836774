/**
 * The day files on the files port: append a line (header first in a new file), make room by
 * removing the oldest day before giving up on a sample, keep only the newest N days, erase.
 * Only files named like a day are ever touched. Text is appended, never rewritten, so a power
 * cut can at worst leave a partial last line, which the next write closes with a newline.
 */
import type { FileStore } from '../../hosts/ports/files';
import { utf8Length } from '../util/utf8';
import { type CsvLayout, csvHeader } from './csv';
import { dayOfFileName, dayPath, HISTORY_DIR } from './days';
import { errorMessage } from '../util/error_message';

export interface HistoryDay {
  /** YYYY-MM-DD */
  date: string;
  name: string;
  size_bytes: number;
}

export type AppendOutcome = { written: true; evicted: string[] } | { written: false; evicted: string[]; error: string };

export interface DayStoreOptions {
  /** Bytes left free for the rest of the file system; below it the oldest day goes first. */
  reserveBytes: number;
  layout: CsvLayout;
  /** Told after a day file is removed (eviction, retention, erase): cached reads of it are void. */
  onRemoved?: (day: string) => void;
}

export class DayStore {
  #files: FileStore;
  #options: DayStoreOptions;
  /**
   * The day last written whose file ends, as far as this session knows, with a complete line.
   * Lines go to one day at a time (at a day change the day before is finished first), so one
   * day is enough, and nothing here grows with the days; another day's first line only costs an
   * empty line more.
   */
  #cleanDay = '';

  constructor(files: FileStore, options: DayStoreOptions) {
    this.#files = files;
    this.#options = options;
  }

  /** Day files, oldest first. */
  days(): HistoryDay[] {
    const out: HistoryDay[] = [];
    for (const info of this.#files.list(HISTORY_DIR)) {
      const date = dayOfFileName(info.name);
      if (date) out.push({ date, name: info.name, size_bytes: info.size });
    }
    return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /**
   * Append one line to `day`. When space is short (free bytes would fall below the reserve, or
   * the append fails while free space is low or unknown), older days are removed one by one and
   * the line is tried again; only when no older day is left is the line dropped. A failure with
   * enough space known to be free is an I/O error: the line is dropped and no day is removed.
   */
  append(day: string, line: string): AppendOutcome {
    const evicted: string[] = [];
    for (;;) {
      const text = this.#prefixFor(day) + line;
      if (this.#spaceShort(text)) {
        if (this.#evictOldest(day, evicted)) continue;
        return { written: false, evicted, error: `history store full: ${this.#files.freeBytes?.()} bytes free, ${utf8Length(text)} + ${this.#options.reserveBytes} reserved needed` };
      }
      try {
        this.#files.append(dayPath(day), text);
        this.#cleanDay = day;
        return { written: true, evicted };
      } catch (error) {
        // The write may have reached the medium in part: the next one starts on a new line.
        if (this.#cleanDay === day) this.#cleanDay = '';
        if (this.#spaceShort(text, true) && this.#evictOldest(day, evicted)) continue;
        return { written: false, evicted, error: errorMessage(error) };
      }
    }
  }

  /** Keep the newest `keep` days (never `current`); returns the days removed, oldest first. */
  enforceRetention(keep: number, current: string): string[] {
    const removable = this.days().filter((d) => d.date !== current);
    const allowed = Math.max(0, keep - 1);
    const expired = removable.slice(0, Math.max(0, removable.length - allowed)).map((d) => d.date);
    for (const day of expired) this.#delete(day);
    return expired;
  }

  /** Removes every day file; returns how many. */
  erase(): number {
    const days = this.days();
    for (const d of days) this.#delete(d.date);
    this.#cleanDay = '';
    return days.length;
  }

  #prefixFor(day: string): string {
    if (day === this.#cleanDay) return '';
    const existing = this.days().find((d) => d.date === day);
    if (!existing || existing.size_bytes === 0) return `${csvHeader(this.#options.layout)}\n`;
    // Unknown ending (earlier session or failed write): close any partial line first.
    // An empty line costs one byte and the reader skips it.
    return '\n';
  }

  /** Free space below need + reserve; unknown free space counts as short only after a failure. */
  #spaceShort(text: string, afterFailure = false): boolean {
    const free = this.#files.freeBytes?.();
    if (free === undefined) return afterFailure;
    return free < utf8Length(text) + this.#options.reserveBytes;
  }

  #evictOldest(current: string, evicted: string[]): boolean {
    const oldest = this.days().find((d) => d.date !== current);
    // A day still listed after its removal means delete did not work: stop instead of looping.
    if (!oldest || evicted.includes(oldest.date)) return false;
    this.#delete(oldest.date);
    evicted.push(oldest.date);
    return true;
  }

  #delete(day: string): void {
    this.#files.delete(dayPath(day));
    if (this.#cleanDay === day) this.#cleanDay = '';
    this.#options.onRemoved?.(day);
  }
}
