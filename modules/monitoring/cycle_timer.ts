/**
 * Times a module's work cycle (a poll, a publish round) with the host clock. A module keeps one
 * and spreads `metrics()` into its own; monitoring then shows `cycle_*` per module.
 */
import type { ClockPort } from '../../hosts/ports/clock';

export interface CycleMetrics {
  [key: string]: number;
  cycles_total: number;
  cycle_last_ms: number;
  cycle_max_ms: number;
  cycle_mean_ms: number;
}

export class CycleTimer {
  #clock: Pick<ClockPort, 'now'>;
  #count = 0;
  #last = 0;
  #max = 0;
  #sum = 0;

  constructor(clock: Pick<ClockPort, 'now'>) {
    this.#clock = clock;
  }

  /** Runs `fn` and records how long it took, also when it throws. */
  measure<T>(fn: () => T): T {
    const started = this.begin();
    try {
      return fn();
    } finally {
      this.end(started);
    }
  }

  /** For cycles that span callbacks: keep the value and hand it to `end()`. */
  begin(): number {
    return this.#clock.now();
  }

  end(startedAt: number): void {
    this.endAt(startedAt, this.#clock.now());
  }

  /** `end` with the clock already read by the caller (one host call fewer on every poll). */
  endAt(startedAt: number, now: number): void {
    const took = Math.max(0, now - startedAt);
    this.#count++;
    this.#last = took;
    this.#sum += took;
    if (took > this.#max) this.#max = took;
  }

  metrics(): CycleMetrics {
    return {
      cycles_total: this.#count,
      cycle_last_ms: this.#last,
      cycle_max_ms: this.#max,
      cycle_mean_ms: this.#count === 0 ? 0 : this.#sum / this.#count,
    };
  }
}
