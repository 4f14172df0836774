/**
 * The newest BMS events read so far, for the fault analysis: a window of `capacity` events in
 * columns made once, so reading events (on every fault) never leaves an object per event behind.
 */
import type { LoggedEvent } from './fault_causes';

export class EventWindow {
  readonly capacity: number;
  readonly #stamps: Float64Array;
  readonly #ids: Float64Array;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#stamps = new Float64Array(capacity);
    this.#ids = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Forget what was kept and take `events` (a whole log read). */
  replace(events: readonly LoggedEvent[]): void {
    this.#size = 0;
    this.append(events);
  }

  /** Add `events` after the ones kept (a "newest" read); past the capacity the oldest go. */
  append(events: readonly LoggedEvent[]): void {
    const first = Math.max(0, events.length - this.capacity);
    const drop = Math.max(0, this.#size + events.length - first - this.capacity);
    if (drop > 0) {
      this.#stamps.copyWithin(0, drop, this.#size);
      this.#ids.copyWithin(0, drop, this.#size);
      this.#size -= drop;
    }
    for (let i = first; i < events.length; i++) {
      this.#stamps[this.#size] = events[i].timestampS;
      this.#ids[this.#size] = events[i].id;
      this.#size++;
    }
  }

  /** The kept events, oldest first, as fresh objects (for a one-off analysis). */
  list(): LoggedEvent[] {
    const out: LoggedEvent[] = [];
    for (let i = 0; i < this.#size; i++) out.push({ timestampS: this.#stamps[i], id: this.#ids[i] });
    return out;
  }
}
