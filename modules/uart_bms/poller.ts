/**
 * The uart_bms driver: polls the TinyBMS with one Modbus 0x03 read of registers 0–55 per cycle,
 * publishes 'bms.data' (and 'bms.link' on every change of link state), and runs register reads,
 * settings writes (checked, written with 0x10, read back with 0x03) and commands between polls,
 * one transaction on the wire at a time. A failed poll republishes the last values with
 * data_valid = false, so stale data can never pass for fresh.
 */
import type { TimerHandle } from '../../hosts/ports/clock';
import type { SerialPort } from '../../hosts/ports/serial';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import { CycleTimer } from '../monitoring/cycle_timer';
import type { Logger } from '../util/logger';
import type { ControlOption, SettingsOption } from './commands';
import type { BmsEvent } from './responses';
import { SettingsRejectedError, UartRequestError, UartStoppedError } from './errors';
import { UartLink, type Transaction } from './link';
import { liveDataFromReadAnswer } from './live_decode';
import type { LiveData } from './live_data';
import { LIVE_COUNT, SETTINGS_FIRST, SETTINGS_LAST, VERSION_COUNT, VERSION_FIRST, settingCovering } from './registers';
import { checkSettingsWrite, type SettingsError } from './settings';
import { crossCheckSettings, type PresentReadings } from './settings_cross_check';
import { controlTransaction, eventsTransaction, pollTransaction, readHoldingTransaction, settingsValuesTransaction, writeMultipleTransaction } from './transactions';
import { versionFromRegisters, type BmsVersion } from './version';
import { toInt16 } from './words';

export const POLL_INTERVAL_MIN_MS = 100;
export const POLL_INTERVAL_MAX_MS = 10000;
const MAX_READ = 127;

export interface UartBmsPollerOptions {
  /** Transactions allowed to wait behind the running one (default 16). */
  maxQueued?: number;
  /**
   * One pack of a bank (several TinyBMS in parallel): its number (1-based) and UART. Its polls go out
   * as 'bms.pack' / 'bms.pack_link' (the bank feed turns them into 'bms.data'), its module name is
   * uart_bms_<pack> (pack 1 keeps uart_bms). Without it: the single BMS on host.serial, as always.
   */
  pack?: { number: number; serial: SerialPort };
}

export class UartBmsPoller implements GatewayModule {
  readonly name: string;
  /** Several packs: this poller's pack number; undefined for the single BMS. */
  readonly pack: number | undefined;
  #serial: SerialPort;
  #ctx: GatewayContext;
  #log: Logger;
  #link: UartLink;
  #running = false;
  #serialHooked = false;
  #pollTimer: TimerHandle | undefined;
  #pollInFlight = false;
  #lastPollStart = Number.NEGATIVE_INFINITY;
  #unsubscribe: (() => void) | undefined;
  #online: boolean | undefined;
  #latest: LiveData | undefined;
  #lastError = '';
  #bounds: { min: number[]; max: number[] } | undefined;
  #warnedInterval = -1;
  #counters = { polls: 0, polls_ok: 0, polls_failed: 0, consecutive_failures: 0 };
  /** One poll: request to decoded data (or failure), retries and wake-up included. */
  #cycle: CycleTimer;
  /** Built once: the same request bytes every poll. */
  #pollTransaction = pollTransaction('poll', LIVE_COUNT);
  #pollStartedAt = 0;

  constructor(ctx: GatewayContext, options: UartBmsPollerOptions = {}) {
    this.#ctx = ctx;
    this.pack = options.pack?.number;
    this.#serial = options.pack?.serial ?? ctx.host.serial;
    this.name = this.pack && this.pack > 1 ? `uart_bms_${this.pack}` : 'uart_bms';
    this.#log = ctx.logger(this.pack ? `uart_bms.pack${this.pack}` : 'uart_bms');
    const clock = ctx.host.clock;
    const pack = this.pack;
    this.#cycle = new CycleTimer(clock);
    this.#link = new UartLink({
      clock,
      serial: this.#serial,
      responseTimeoutMs: () => ctx.config().bms.response_timeout_ms,
      retries: () => ctx.config().bms.retries,
      // Only while someone listens (the web UI's UART monitor): otherwise two bus events per poll for nothing.
      onFrame: (direction, bytes) => {
        if (ctx.bus.subscriberCount('uart.frame') === 0) return;
        ctx.bus.publish('uart.frame', pack ? { direction, bytes, timestamp_ms: clock.now(), pack } : { direction, bytes, timestamp_ms: clock.now() });
      },
      maxQueued: options.maxQueued,
    });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (!this.#serialHooked) {
      // The serial port has no unsubscribe: hook once, ignore bytes while stopped.
      this.#serialHooked = true;
      this.#serial.onReceive((bytes) => this.#running && this.#link.receive(bytes));
    }
    this.#unsubscribe = this.#ctx.bus.subscribe('config.updated', ({ changed }) => {
      if (changed.some((path) => path === 'bms.poll_interval_ms')) this.#schedulePoll();
    });
    this.#schedulePoll();
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#ctx.host.clock.clear(this.#pollTimer);
    this.#pollTimer = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#link.stop('uart_bms stopped');
  }

  /** The last live data published (fresh or marked invalid), if any. */
  latest(): LiveData | undefined {
    return this.#latest;
  }

  /** undefined until the first poll ends. */
  isOnline(): boolean | undefined {
    return this.#online;
  }

  /** The poll interval in force: the configured one, clamped to 100–10000 ms. */
  pollIntervalMs(): number {
    const configured = this.#ctx.config().bms.poll_interval_ms;
    const interval = Math.min(POLL_INTERVAL_MAX_MS, Math.max(POLL_INTERVAL_MIN_MS, Number.isFinite(configured) ? configured : POLL_INTERVAL_MIN_MS));
    if (interval !== configured && this.#warnedInterval !== configured) {
      this.#warnedInterval = configured;
      this.#log.warn(`poll interval ${configured} ms is outside ${POLL_INTERVAL_MIN_MS}–${POLL_INTERVAL_MAX_MS} ms; using ${interval} ms`);
    }
    return interval;
  }

  /** Reads `count` (1–127) registers from `address` with Modbus 0x03; raw 16-bit words. */
  readRegisters(address: number, count: number): Promise<number[]> {
    if (!Number.isInteger(address) || !Number.isInteger(count) || address < 0 || count < 1 || count > MAX_READ || address + count > 0x10000) {
      return Promise.reject(new UartRequestError(`read of ${count} registers at ${address}: need an address 0–65535 and 1–${MAX_READ} registers`));
    }
    return this.#transact(readHoldingTransaction(`read ${address}+${count}`, address, count)).then((words) => {
      // Settings tell other modules about the pack (capacity for 0x379): share every read of them.
      if (address <= SETTINGS_LAST && address + count > SETTINGS_FIRST) this.#ctx.bus.publish('bms.settings', this.pack ? { address, words: words.slice(), pack: this.pack } : { address, words: words.slice() });
      return words;
    });
  }

  /**
   * Writes settings (300–343, values in the register's type, INT16 may be negative) with Modbus
   * 0x10 after checking every value against the register map, then reads them back with 0x03 and
   * returns the read-back values (which show what the BMS actually kept).
   */
  async writeRegisters(address: number, values: readonly number[], options: { crossChecked?: boolean } = {}): Promise<number[]> {
    const check = checkSettingsWrite(address, values);
    if (!check.ok) throw new SettingsRejectedError(check.errors);
    if (!options.crossChecked) {
      const errors = await this.checkSettings([{ address, values }]);
      if (errors.length > 0) throw new SettingsRejectedError(errors);
    }
    await this.#transact(writeMultipleTransaction(`write ${address}+${values.length}`, address, check.words));
    const readBack = await this.readRegisters(address, values.length);
    const typed = readBack.map((word, i) => (settingCovering(address + i)?.type === 'int16' ? toInt16(word) : word));
    if (typed.some((value, i) => value !== values[i])) this.#log.warn(`write at ${address}: read back ${typed.join(',')} instead of ${values.join(',')}`);
    else this.#log.info(`wrote ${values.length} register(s) at ${address}`);
    return typed;
  }

  /**
   * Checks writes together against the BMS as it is now (settings_cross_check.ts): reads the
   * settings, the live min/max (0x1D, once per link session) and uses the latest fresh live data.
   * Resolves with the reasons to refuse (empty = fine).
   */
  async checkSettings(writes: readonly { address: number; values: readonly number[] }[]): Promise<SettingsError[]> {
    const map = new Map<number, number>();
    for (const { address, values } of writes) values.forEach((value, i) => map.set(address + i, value));
    const current = await this.readSettings();
    const bounds = await this.#settingsBounds();
    return crossCheckSettings({ current, writes: map, present: this.#presentReadings(), liveMin: bounds?.min, liveMax: bounds?.max });
  }

  /** Command 0x02: clear events, clear statistics or reset the BMS; resolves on the ACK. */
  command(option: ControlOption): Promise<void> {
    return this.#transact(controlTransaction(option));
  }

  /** Settings registers 300–343 (values in each register's type), keyed by address. */
  async readSettings(): Promise<Map<number, number>> {
    const words = await this.readRegisters(SETTINGS_FIRST, SETTINGS_LAST - SETTINGS_FIRST + 1);
    const settings = new Map<number, number>();
    words.forEach((word, i) => settings.set(SETTINGS_FIRST + i, settingCovering(SETTINGS_FIRST + i)?.type === 'int16' ? toInt16(word) : word));
    return settings;
  }

  /** Command 0x11 (events since the last 0x11) or 0x12 (the whole log): BMS time now and the events. */
  readEvents(which: 'newest' | 'all'): Promise<{ bmsTimeS: number; events: BmsEvent[] }> {
    return this.#transact(eventsTransaction(which));
  }

  /** Command 0x1D: the BMS's live min or max (or default, current) for `count` settings from register 300. */
  readSettingsValues(option: SettingsOption, count: number): Promise<number[]> {
    return this.#transact(settingsValuesTransaction(option, count));
  }

  /** Version registers 500–509. */
  async readVersion(): Promise<BmsVersion> {
    return versionFromRegisters(await this.readRegisters(VERSION_FIRST, VERSION_COUNT), VERSION_FIRST);
  }

  /** The live min/max of 300–343 (0x1D), read once per link session; undefined when the BMS does not answer it. */
  async #settingsBounds(): Promise<{ min: number[]; max: number[] } | undefined> {
    if (this.#bounds) return this.#bounds;
    const count = SETTINGS_LAST - SETTINGS_FIRST + 1;
    try {
      const min = await this.readSettingsValues('min', count);
      const max = await this.readSettingsValues('max', count);
      this.#bounds = { min, max };
    } catch (error) {
      this.#log.debug(`live settings bounds (0x1D) not read: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.#bounds;
  }

  /** The latest live data when valid and fresh, as the cross-check's present readings. */
  #presentReadings(): PresentReadings | undefined {
    const d = this.#latest;
    if (!d || !d.data_valid || this.#ctx.host.clock.now() - d.timestamp_ms > this.#ctx.config().bms.stale_after_ms) return undefined;
    return { max_cell_mv: d.max_cell_voltage_mv, min_cell_mv: d.min_cell_voltage_mv, max_temperature_c: d.max_temperature_c, current_a: d.pack_current_a };
  }

  metrics(): ModuleMetrics {
    return {
      ...this.#link.counters(),
      ...this.#counters,
      online: this.#online === true,
      running: this.#running,
      poll_interval_ms: this.pollIntervalMs(),
      queue_depth: this.#link.queueDepth,
      last_error: this.#lastError,
      ...this.#cycle.metrics(),
    };
  }

  #transact<T>(transaction: Transaction<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.#running) return reject(new UartStoppedError(`${transaction.label}: uart_bms is not running`));
      this.#link.run(transaction, (error, value) => (error ? reject(error) : resolve(value as T)));
    });
  }

  /** `now`: the clock read the caller already made, if any. */
  #schedulePoll(now?: number): void {
    const clock = this.#ctx.host.clock;
    if (this.#pollTimer) clock.clear(this.#pollTimer);
    this.#pollTimer = undefined;
    if (!this.#running || this.#pollInFlight) return;
    const delay = Math.max(0, this.#lastPollStart + this.pollIntervalMs() - (now ?? clock.now()));
    this.#pollTimer = clock.setTimer(delay, this.#pollNow);
  }

  #pollNow = (): void => this.#poll();

  #poll(): void {
    this.#pollTimer = undefined;
    if (!this.#running || this.#pollInFlight) return;
    this.#pollInFlight = true;
    this.#counters.polls++;
    // One clock read for both (each is a host call).
    this.#lastPollStart = this.#pollStartedAt = this.#cycle.begin();
    this.#link.run(this.#pollTransaction, this.#pollDone);
  }

  /** One function for every poll's completion: no closure per poll. */
  #pollDone = (error: Error | undefined, frame?: Uint8Array): void => {
    const now = this.#ctx.host.clock.now();
    this.#cycle.endAt(this.#pollStartedAt, now);
    this.#pollInFlight = false;
    if (!this.#running) return;
    const data = error ? undefined : liveDataFromReadAnswer(frame as Uint8Array, now);
    if (data) this.#pollSucceeded(data);
    else this.#pollFailed(error ?? new UartRequestError(`poll: the answer does not carry registers 0–53`));
    this.#schedulePoll(now);
  };

  #pollSucceeded(data: LiveData): void {
    this.#counters.polls_ok++;
    this.#counters.consecutive_failures = 0;
    this.#latest = data;
    this.#publishData(data);
    this.#setOnline(true, 'poll answered');
  }

  #pollFailed(error: Error): void {
    this.#counters.polls_failed++;
    this.#counters.consecutive_failures++;
    this.#lastError = error.message;
    if (this.#online !== false) this.#log.warn(`poll failed: ${error.message}`);
    if (this.#latest) {
      // Same values and timestamp, marked invalid: consumers see the data is not fresh.
      this.#latest = { ...this.#latest, data_valid: false };
      this.#publishData(this.#latest);
    }
    this.#setOnline(false, error.message);
  }

  #setOnline(online: boolean, reason: string): void {
    if (this.#online === online) return;
    this.#online = online;
    // A BMS that comes back may be another one (or another current sensor): re-read its 0x1D bounds.
    this.#bounds = undefined;
    if (online) this.#log.info('BMS link up');
    else this.#log.warn(`BMS link down: ${reason}`);
    if (this.pack) this.#ctx.bus.publish('bms.pack_link', { pack: this.pack, online, reason });
    else this.#ctx.bus.publish('bms.link', { online, reason });
  }

  #publishData(data: LiveData): void {
    if (this.pack) this.#ctx.bus.publish('bms.pack', { pack: this.pack, data });
    else this.#ctx.bus.publish('bms.data', data);
  }
}
