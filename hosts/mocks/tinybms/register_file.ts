/**
 * The simulated TinyBMS register space (0–599): 16-bit words, reads of any defined address,
 * and all-or-nothing settings writes validated against the window 300–399 and each register's
 * range. Live, statistics, event and version words are filled by the simulator itself.
 */
import { toInt16, wordsToFloat32, wordsToUint32 } from '../../../modules/uart_bms/index';
import { REG } from './register_map';
import { SETTING_DEFAULTS, settingsWriteError, TAKEN_IN_SETTINGS } from './settings';

/** Version block 500–509 as read from a real unit (tinybms-uart.md §4.5, CLARK capture) plus a serial. */
const VERSION_WORDS = [0x0102, 0x0301, 0x00f2, 0x0418, 0x4e54, 0x4d42, 0x2d53, 0x4d49, 0x3030, 0x3130];

export type WriteOutcome = { ok: true } | { ok: false; error: string };

export type SettingListener = (address: number, value: number) => void;

export class RegisterFile {
  #words = new Uint16Array(REG.END);
  #listeners: SettingListener[] = [];
  /** Live words are written on demand: the simulator marks them stale each tick and refreshes them here before any read. */
  #stale = false;
  #refresh: (() => void) | undefined;
  #settingsVersion = 0;
  /** float32 → bits without an ArrayBuffer per store (three per simulator tick). */
  #scratch = new DataView(new ArrayBuffer(4));

  constructor() {
    this.restoreFactorySettings();
    this.#words.set(VERSION_WORDS, REG.VERSION_FIRST);
  }

  /** Every word, live ones brought up to date first. */
  get words(): Uint16Array {
    this.#fresh();
    return this.#words;
  }

  /** The live words no longer match the model; `refresh` rewrites them before the next read. */
  markStale(refresh: () => void): void {
    this.#refresh = refresh;
    this.#stale = true;
  }

  /** Changes whenever a settings word (300–399) may have changed, so decoded settings can be kept until then. */
  get settingsVersion(): number {
    return this.#settingsVersion;
  }

  #fresh(): void {
    if (!this.#stale) return;
    this.#stale = false;
    this.#refresh?.();
  }

  isReadable(address: number): boolean {
    return Number.isInteger(address) && address >= 0 && address < REG.END;
  }

  /** The words from `start`, or undefined when any of them lies outside the map. */
  readBlock(start: number, count: number): number[] | undefined {
    if (!this.isReadable(start) || !this.isReadable(start + count - 1)) return undefined;
    this.#fresh();
    const words: number[] = [];
    for (let i = start; i < start + count; i++) words.push(this.#words[i]);
    return words;
  }

  read(address: number): number {
    this.#fresh();
    return this.#words[address];
  }

  /** Validates every pair, then writes all of them or none. */
  writeSettings(pairs: readonly (readonly [number, number])[]): WriteOutcome {
    const writes = new Map<number, number>();
    for (const [address, value] of pairs) {
      if (!Number.isInteger(address) || address < REG.SETTINGS_FIRST || address > REG.SETTINGS_LAST) return { ok: false, error: `register ${address} is outside the writable window 300–399` };
      writes.set(address, value);
    }
    const error = settingsWriteError(writes, (address) => this.#words[address]);
    if (error) return { ok: false, error };
    this.#settingsVersion++;
    for (const [address, value] of writes) this.#words[address] = value;
    for (const [address, value] of writes) for (const listener of this.#listeners) listener(address, value);
    return { ok: true };
  }

  /** Called after each accepted settings write (the simulator adopts SOC/SOH settings this way). */
  onSettingWritten(listener: SettingListener): void {
    this.#listeners.push(listener);
  }

  restoreFactorySettings(): void {
    this.#settingsVersion++;
    for (let address = REG.SETTINGS_FIRST; address <= REG.SETTINGS_LAST; address++) this.#words[address] = SETTING_DEFAULTS.get(address) ?? 0;
  }

  /** Marks a taken-in setting (323/328) as consumed, as the real BMS does. */
  markTakenIn(address: number): void {
    if (!TAKEN_IN_SETTINGS.includes(address)) return;
    this.#settingsVersion++;
    this.#words[address] = 0xffff;
  }

  // Typed stores used by the simulator to fill live data (32-bit values low word first).
  setWord(address: number, value: number): void {
    this.#words[address] = value & 0xffff;
  }

  setInt16(address: number, value: number): void {
    this.#words[address] = Math.round(value) & 0xffff;
  }

  setUint32(address: number, value: number): void {
    this.#setPair(address, Math.max(0, Math.min(0xffffffff, Math.round(value))));
  }

  setFloat32(address: number, value: number): void {
    this.#scratch.setFloat32(0, value);
    this.#setPair(address, this.#scratch.getUint32(0));
  }

  /** A 32-bit value, low word first. */
  #setPair(address: number, value: number): void {
    this.#words[address] = value & 0xffff;
    this.#words[address + 1] = Math.floor(value / 0x10000) & 0xffff;
  }

  readUint32(address: number): number {
    this.#fresh();
    return wordsToUint32(this.#words[address], this.#words[address + 1]);
  }

  readFloat32(address: number): number {
    this.#fresh();
    return wordsToFloat32(this.#words[address], this.#words[address + 1]);
  }

  readInt16(address: number): number {
    this.#fresh();
    return toInt16(this.#words[address]);
  }
}
