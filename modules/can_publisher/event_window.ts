/**
 * The newest BMS events read so far, for the fault analysis: a window of `capacity` events in
 * columns made once, so reading events (on every fault) never leaves an object per event behind.
 */
import type { LoggedEvent } from './fault_causes';

export class EventWindow {
  readonly #stamps: Float64Array;
  readonly #ids: Float64Array;
  #size = 0;

  constructor(capacity: number) {
    this.#stamps = new Float64Array(capacity);
    this.#ids = new Float64Array(capacity);
  }

  /** Forget what was kept and take `events` (a whole log read). */
  replace(events: readonly LoggedEvent[]): void {
    this.#size = 0;
    this.append(events);
  }

  /** Add `events` after the ones kept (a "newest" read); past the capacity the oldest go. */
  append(events: readonly LoggedEvent[]): void {
    for (const event of events) {
      if (this.#size === this.#ids.length) {
        this.#stamps.copyWithin(0, 1);
        this.#ids.copyWithin(0, 1);
        this.#size--;
      }
      this.#stamps[this.#size] = event.timestampS;
      this.#ids[this.#size++] = event.id;
    }
  }

  /** The kept events, oldest first, as fresh objects (for a one-off analysis). */
  list(): LoggedEvent[] {
    const out: LoggedEvent[] = [];
    for (let i = 0; i < this.#size; i++) out.push({ timestampS: this.#stamps[i], id: this.#ids[i] });
    return out;
  }
}
