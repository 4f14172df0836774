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
  // Fixed columns made once, as the BMS's own registers are: logging allocates nothing, so the
  // simulator's share of a long run's heap stays flat (the bench measures the gateway's).
  readonly #stamps = new Float64Array(EVENT_SLOTS);
  readonly #ids = new Uint8Array(EVENT_SLOTS);
  #next = 0;
  #total = 0;
  /** How many of the newest events were logged since the last `takeNewest()` (command 0x11); at most EVENT_SLOTS. */
  #unreported = 0;
  /** Bumped by every change; writeTo skips a register file that already holds this version (it runs on every read of the live words). */
  #version = 0;
  #writtenTo: RegisterFile | undefined;
  #writtenVersion = -1;

  log(id: number, lifetimeS: number): void {
    this.#stamps[this.#next] = Math.floor(lifetimeS);
    this.#ids[this.#next] = id;
    this.#next = (this.#next + 1) % EVENT_SLOTS;
    this.#total++;
    this.#version++;
    if (this.#unreported < EVENT_SLOTS) this.#unreported++;
  }

  /** All stored events, oldest first. */
  all(): BmsEvent[] {
    return this.#newest(this.count);
  }

  /** Events not yet returned by an earlier call, oldest first (our reading of "newest events"). */
  takeNewest(): BmsEvent[] {
    const taken = this.#newest(this.#unreported);
    this.#unreported = 0;
    return taken;
  }

  clear(): void {
    this.#stamps.fill(0);
    this.#ids.fill(0);
    this.#next = 0;
    this.#total = 0;
    this.#version++;
    this.#unreported = 0;
  }

  /** The newest `n` events, oldest first. */
  #newest(n: number): BmsEvent[] {
    const out: BmsEvent[] = [];
    for (let i = n; i > 0; i--) {
      const k = (this.#next - i + EVENT_SLOTS) % EVENT_SLOTS;
      out.push({ timestampS: this.#stamps[k], id: this.#ids[k] });
    }
    return out;
  }

  get count(): number {
    return Math.min(this.#total, EVENT_SLOTS);
  }

  writeTo(registers: RegisterFile): void {
    if (this.#writtenTo === registers && this.#writtenVersion === this.#version) return;
    this.#writtenTo = registers;
    this.#writtenVersion = this.#version;
    // Until the ring wraps, the slots from #next on were never written and read as zero.
    for (let k = 0; k < EVENT_SLOTS; k++) {
      const stamp = this.#stamps[k] & 0xffffff;
      registers.setWord(REG.EVENTS_FIRST + 2 * k, stamp & 0xffff);
      registers.setWord(REG.EVENTS_FIRST + 2 * k + 1, (this.#ids[k] << 8) | (stamp >>> 16));
    }
  }
}
