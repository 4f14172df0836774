/**
 * The simulated TinyBMS register space (0–599): 16-bit words, reads of any defined address,
 * and all-or-nothing settings writes validated against the window 300–399 and each register's
 * range. Live, statistics, event and version words are filled by the simulator itself.
 */
import { float32ToWords, toInt16, uint32ToWords, wordsToFloat32, wordsToUint32 } from '../../../modules/uart_bms/index';
import { REG } from './register_map';
import { SETTING_DEFAULTS, settingsWriteError, TAKEN_IN_SETTINGS } from './settings';

/** Version block 500–509 as read from a real unit (tinybms-uart.md §4.5, CLARK capture) plus a serial. */
const VERSION_WORDS = [0x0102, 0x0301, 0x00f2, 0x0418, 0x4e54, 0x4d42, 0x2d53, 0x4d49, 0x3030, 0x3130];

export type WriteOutcome = { ok: true } | { ok: false; error: string };

export type SettingListener = (address: number, value: number) => void;

export class RegisterFile {
  readonly words = new Uint16Array(REG.END);
  #listeners: SettingListener[] = [];

  constructor() {
    this.restoreFactorySettings();
    this.words.set(VERSION_WORDS, REG.VERSION_FIRST);
  }

  isReadable(address: number): boolean {
    return Number.isInteger(address) && address >= 0 && address < REG.END;
  }

  /** The words from `start`, or undefined when any of them lies outside the map. */
  readBlock(start: number, count: number): number[] | undefined {
    if (!this.isReadable(start) || !this.isReadable(start + count - 1)) return undefined;
    return Array.from(this.words.subarray(start, start + count));
  }

  read(address: number): number {
    return this.words[address];
  }

  /** Validates every pair, then writes all of them or none. */
  writeSettings(pairs: readonly (readonly [number, number])[]): WriteOutcome {
    const writes = new Map<number, number>();
    for (const [address, value] of pairs) {
      if (!Number.isInteger(address) || address < REG.SETTINGS_FIRST || address > REG.SETTINGS_LAST) return { ok: false, error: `register ${address} is outside the writable window 300–399` };
      writes.set(address, value);
    }
    const error = settingsWriteError(writes, (address) => this.words[address]);
    if (error) return { ok: false, error };
    for (const [address, value] of writes) this.words[address] = value;
    for (const [address, value] of writes) for (const listener of this.#listeners) listener(address, value);
    return { ok: true };
  }

  /** Called after each accepted settings write (the simulator adopts SOC/SOH settings this way). */
  onSettingWritten(listener: SettingListener): void {
    this.#listeners.push(listener);
  }

  restoreFactorySettings(): void {
    for (let address = REG.SETTINGS_FIRST; address <= REG.SETTINGS_LAST; address++) this.words[address] = SETTING_DEFAULTS.get(address) ?? 0;
  }

  /** Marks a taken-in setting (323/328) as consumed, as the real BMS does. */
  markTakenIn(address: number): void {
    if (TAKEN_IN_SETTINGS.includes(address)) this.words[address] = 0xffff;
  }

  // Typed stores used by the simulator to fill live data (32-bit values low word first).
  setWord(address: number, value: number): void {
    this.words[address] = value & 0xffff;
  }

  setInt16(address: number, value: number): void {
    this.words[address] = Math.round(value) & 0xffff;
  }

  setUint32(address: number, value: number): void {
    const [low, high] = uint32ToWords(Math.max(0, Math.min(0xffffffff, Math.round(value))));
    this.words[address] = low;
    this.words[address + 1] = high;
  }

  setFloat32(address: number, value: number): void {
    const [low, high] = float32ToWords(value);
    this.words[address] = low;
    this.words[address + 1] = high;
  }

  readUint32(address: number): number {
    return wordsToUint32(this.words[address], this.words[address + 1]);
  }

  readFloat32(address: number): number {
    return wordsToFloat32(this.words[address], this.words[address + 1]);
  }

  readInt16(address: number): number {
    return toInt16(this.words[address]);
  }
}
