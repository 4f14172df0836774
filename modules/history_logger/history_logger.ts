/**
 * history_logger: every `history.sample_interval_s` it writes the latest valid, fresh BMS
 * snapshot as one CSV line into today's day file, keeps `history.retention_days` days, and
 * answers history reads in bounded memory (JSON pages, file list, streamed CSV/JSON downloads,
 * erase). Stale or invalid data writes nothing.
 *
 * Flush policy: samples wait in RAM and are appended in one write once the oldest has waited
 * `history.flush_interval_s` (and before any read, at a day change and at stop). The Node files
 * port fsyncs each append; LittleFS on the ESP32 commits a file on close. A power cut thus loses
 * at most the samples of the last flush interval; a crash of the process (no power cut) on
 * Node loses only what was still in RAM, the same bound.
 */
import type { TimerHandle } from '../../hosts/ports/clock';
import type { GatewayEvents } from '../event_bus/events';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import type { LiveData } from '../uart_bms/live_data';
import type { Logger } from '../util/logger';
import { type CsvLayout, formatLine, type HistorySample, sampleOf } from './csv';
import { type AppendOutcome, DayStore, type HistoryDay } from './day_store';
import { dayOf, EARLIEST_PLAUSIBLE_WALL_MS, isDay } from './days';
import { type DownloadFormat, type HistoryPage, HistoryReader } from './history_reader';
import { errorMessage } from '../util/error_message';

export interface HistoryLoggerOptions {
  /** Bytes the history leaves free on the file system (default 16 KiB). */
  reserveBytes?: number;
  /** Write the cell min/max columns after the spec's six (default true). */
  cellColumns?: boolean;
}


export const MAX_PAGE_LIMIT = 10_000;

/** Hands out a sync chunk sequence as the async iterable the HTTP port streams (one chunk per pull). */
async function* streamed(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  for (const chunk of chunks) yield chunk;
}

function checkedDay(date: string): string {
  if (!isDay(date)) throw new RangeError(`date must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return date;
}

export class HistoryLogger implements GatewayModule {
  readonly name = 'history_logger';
  #ctx: GatewayContext;
  #log: Logger;
  #store: DayStore;
  #reader: HistoryReader;
  #layout: CsvLayout;
  #latest: LiveData | undefined;
  #timer: TimerHandle | undefined;
  #unsubscribes: (() => void)[] = [];
  #currentDay: string | undefined;
  #failing = false;
  /** Formatted lines not yet written, all of `#pendingDay`, and when the oldest was taken. */
  #pending: string[] = [];
  #pendingDay = '';
  #pendingSince = 0;
  #flushes = 0;
  #counters = { written: 0, skippedStale: 0, skippedNoClock: 0, skippedInvalid: 0, dropped: 0, evicted: 0, expired: 0 };

  constructor(ctx: GatewayContext, options: HistoryLoggerOptions = {}) {
    this.#ctx = ctx;
    this.#log = ctx.logger('history_logger');
    this.#layout = options.cellColumns === false ? 'basic' : 'with_cells';
    this.#reader = new HistoryReader(ctx.host.files);
    this.#store = new DayStore(ctx.host.files, { reserveBytes: options.reserveBytes ?? 16 * 1024, layout: this.#layout, onRemoved: (day) => this.#reader.forget(day) });
  }

  start(): void {
    if (this.#timer) return;
    this.#unsubscribes = [
      this.#ctx.bus.subscribe('bms.data', (data) => {
        this.#latest = data;
      }),
      this.#ctx.bus.subscribe('config.updated', (update) => this.#onConfig(update)),
    ];
    this.#applyRetention();
    this.#schedule();
  }

  stop(): void {
    this.flush();
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes = [];
    this.#ctx.host.clock.clear(this.#timer);
    this.#timer = undefined;
  }

  /** Stored days, oldest first. */
  files(): HistoryDay[] {
    this.flush();
    return this.#store.days();
  }

  /** Writes the samples waiting in RAM (reads call it, so what they show is what is on flash). */
  flush(): void {
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    const day = this.#pendingDay;
    this.#pending = [];
    let outcome: AppendOutcome;
    try {
      outcome = this.#store.append(day, lines.join(''));
    } catch (error) {
      // Listing the folder failed: nothing was written or removed.
      outcome = { written: false, evicted: [], error: errorMessage(error) };
    }
    this.#flushes++;
    this.#counters.evicted += outcome.evicted.length;
    if (outcome.evicted.length > 0) this.#log.warn(`history store full: removed ${outcome.evicted.join(', ')} to make room`);
    if (!outcome.written) {
      this.#counters.dropped += lines.length;
      // One line and one storage alert per failure streak, not one every flush.
      if (!this.#failing) {
        this.#log.error(`history samples not written: ${outcome.error}`);
        this.#ctx.bus.publish('storage.fault', { area: 'history', ok: false, message: `history cannot be written: ${outcome.error}` });
      }
      this.#failing = true;
      return;
    }
    if (this.#failing) {
      this.#log.info('history writes work again');
      this.#ctx.bus.publish('storage.fault', { area: 'history', ok: true, message: '' });
    }
    this.#failing = false;
    this.#counters.written += lines.length;
    if (day !== this.#currentDay) {
      this.#currentDay = day;
      this.#applyRetention();
    }
  }

  /** True while the last flush failed (the self-test reports it). */
  get writeFailing(): boolean {
    return this.#failing;
  }

  /**
   * Every valid sample of a day, oldest first, read from the file lazily in bounded pieces;
   * undefined when there is no such day file. Throws RangeError for a malformed date.
   */
  samples(date: string): Iterable<HistorySample> | undefined {
    this.flush();
    return this.#reader.samples(checkedDay(date));
  }

  /**
   * A page of one day (the newest day when `date` is omitted; undefined when there is none).
   * Reads from the nearest checkpoint until the page is full; `total` comes from the day's index,
   * which reads only what was appended since the last read (the whole day once after a start).
   * Throws RangeError for a malformed date, a limit outside 1..10000 or a negative offset.
   */
  read(date?: string, limit = 100, offset = 0): HistoryPage | undefined {
    this.flush();
    const day = this.#pageDay(date, limit, offset);
    return day === undefined ? undefined : this.#reader.page(day, limit, offset);
  }

  /** The same page as a streamed JSON body (`samples` last); undefined when there is no such day. */
  pageJson(date: string | undefined, limit: number, offset: number): AsyncIterable<Uint8Array> | undefined {
    this.flush();
    const day = this.#pageDay(date, limit, offset);
    const chunks = day === undefined ? undefined : this.#reader.pageJson(day, limit, offset);
    return chunks && streamed(chunks);
  }

  /**
   * The day as a streamed download: a clean CSV (header, valid lines only) or JSON
   * `{ date, samples }`, produced 4 KB at a time while the file is read; undefined when there is
   * no such day. The stream fails (HistoryReadError) if the day is removed while it runs.
   */
  download(date: string, format: DownloadFormat): AsyncIterable<Uint8Array> | undefined {
    this.flush();
    const chunks = this.#reader.download(checkedDay(date), format);
    return chunks && streamed(chunks);
  }

  /** The day's clean CSV as one string, for tests and small days (the web server streams `download`). */
  csv(date: string): string | undefined {
    this.flush();
    const chunks = this.#reader.download(checkedDay(date), 'csv');
    if (!chunks) return undefined;
    // Joined once at the end: XS strings are flat, appending piece by piece would copy the text each time.
    const parts: string[] = [];
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length; at += 256) parts.push(String.fromCharCode(...chunk.subarray(at, at + 256))); // ASCII
    }
    return parts.join('');
  }

  /** Removes every day file; returns how many. */
  erase(): number {
    this.#pending = [];
    const removed = this.#store.erase();
    this.#log.info(`history erased (${removed} day files)`);
    return removed;
  }

  metrics(): ModuleMetrics {
    let bytes = 0;
    let days = 0;
    try {
      for (const d of this.#store.days()) {
        bytes += d.size_bytes;
        days++;
      }
    } catch {
      // A failing listing shows as zero files; the write counters tell the rest.
    }
    return {
      day_files: days,
      stored_bytes: bytes,
      samples_written_total: this.#counters.written,
      samples_skipped_stale_total: this.#counters.skippedStale,
      samples_skipped_no_clock_total: this.#counters.skippedNoClock,
      samples_skipped_invalid_total: this.#counters.skippedInvalid,
      samples_dropped_total: this.#counters.dropped,
      day_files_evicted_for_space_total: this.#counters.evicted,
      day_files_expired_total: this.#counters.expired,
      samples_pending: this.#pending.length,
      flushes_total: this.#flushes,
      write_failing: this.#failing,
    };
  }

  #pageDay(date: string | undefined, limit: number, offset: number): string | undefined {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${limit}`);
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
    return date === undefined ? this.#store.days().pop()?.date : checkedDay(date);
  }

  #schedule(): void {
    const clock = this.#ctx.host.clock;
    clock.clear(this.#timer);
    this.#timer = clock.setInterval(this.#ctx.config().history.sample_interval_s * 1000, () => this.#sample());
  }

  #onConfig({ changed }: GatewayEvents['config.updated']): void {
    if (changed.includes('history.sample_interval_s') && this.#timer) this.#schedule();
    if (changed.includes('history.retention_days')) this.#applyRetention();
  }

  #sample(): void {
    const clock = this.#ctx.host.clock;
    const data = this.#latest;
    if (!data || !data.data_valid || clock.now() - data.timestamp_ms > this.#ctx.config().bms.stale_after_ms) {
      this.#counters.skippedStale++;
      return;
    }
    const wall = clock.wallTime();
    if (wall < EARLIEST_PLAUSIBLE_WALL_MS) {
      this.#counters.skippedNoClock++;
      return;
    }
    const sample = sampleOf(data, wall);
    if (!sample) {
      this.#counters.skippedInvalid++;
      return;
    }
    const day = dayOf(wall);
    if (this.#pending.length > 0 && day !== this.#pendingDay) this.flush();
    if (this.#pending.length === 0) {
      this.#pendingDay = day;
      this.#pendingSince = clock.now();
    }
    this.#pending.push(formatLine(sample, this.#layout));
    // Written now when the next sample would come after the window: the oldest never waits longer.
    const { flush_interval_s, sample_interval_s } = this.#ctx.config().history;
    if (clock.now() - this.#pendingSince + sample_interval_s * 1000 > flush_interval_s * 1000) this.flush();
  }

  #applyRetention(): void {
    const wall = this.#ctx.host.clock.wallTime();
    // With an unset clock "today" is unknown: removing a day now could remove the wrong one.
    if (wall < EARLIEST_PLAUSIBLE_WALL_MS) return;
    const today = dayOf(wall);
    try {
      const expired = this.#store.enforceRetention(this.#ctx.config().history.retention_days, today);
      this.#counters.expired += expired.length;
      if (expired.length > 0) this.#log.info(`history retention removed ${expired.join(', ')}`);
    } catch (error) {
      this.#log.error(`history retention failed: ${errorMessage(error)}`);
    }
  }
}
