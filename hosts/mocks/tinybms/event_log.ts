/**
 * The BMS event log: 49 slots (regs 200–297), written round-robin, each a 24-bit lifetime
 * timestamp and an event ID (tinybms-uart.md §4.3). A real capture shows slots in write order,
 * so the oldest surviving event sits right after the newest once the ring has wrapped.
 */
import type { BmsEvent } from '../../../modules/uart_bms/index';
import type { RegisterFile } from './register_file';
import { REG } from './register_map';

export const EVENT_SLOTS = 49;

export class EventLog {
  #slots: (BmsEvent | undefined)[] = new Array(EVENT_SLOTS).fill(undefined);
  #next = 0;
  #total = 0;
  /** Events logged since the last `takeNewest()` (command 0x11). */
  #unreported: BmsEvent[] = [];
  /** Bumped by every change; writeTo skips a register file that already holds this version (it runs on every read of the live words). */
  #version = 0;
  #writtenTo: RegisterFile | undefined;
  #writtenVersion = -1;

  log(id: number, lifetimeS: number): void {
    const event = { timestampS: Math.floor(lifetimeS), id };
    this.#slots[this.#next] = event;
    this.#next = (this.#next + 1) % EVENT_SLOTS;
    this.#total++;
    this.#version++;
    this.#unreported.push(event);
    if (this.#unreported.length > EVENT_SLOTS) this.#unreported.shift();
  }

  /** All stored events, oldest first. */
  all(): BmsEvent[] {
    const ordered: BmsEvent[] = [];
    const start = this.#total > EVENT_SLOTS ? this.#next : 0;
    for (let i = 0; i < EVENT_SLOTS; i++) {
      const event = this.#slots[(start + i) % EVENT_SLOTS];
      if (event) ordered.push(event);
    }
    return ordered;
  }

  /** Events not yet returned by an earlier call, oldest first (our reading of "newest events"). */
  takeNewest(): BmsEvent[] {
    const taken = this.#unreported;
    this.#unreported = [];
    return taken;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#total = 0;
    this.#version++;
    this.#unreported = [];
  }

  get count(): number {
    return Math.min(this.#total, EVENT_SLOTS);
  }

  writeTo(registers: RegisterFile): void {
    if (this.#writtenTo === registers && this.#writtenVersion === this.#version) return;
    this.#writtenTo = registers;
    this.#writtenVersion = this.#version;
    for (let k = 0; k < EVENT_SLOTS; k++) {
      const event = this.#slots[k];
      const stamp = event ? event.timestampS & 0xffffff : 0;
      registers.setWord(REG.EVENTS_FIRST + 2 * k, stamp & 0xffff);
      registers.setWord(REG.EVENTS_FIRST + 2 * k + 1, event ? (event.id << 8) | (stamp >>> 16) : 0);
    }
  }
}
