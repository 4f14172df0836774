/**
 * A watchdog whose deadline moves on every poll (stale data, silent BMS). Moving it does not
 * clear and re-arm a host timer: the one armed timer, when it fires before the current deadline,
 * re-arms for what is left. At 10 Hz polls and a 5 s deadline that is one timer per 5 s instead of
 * a clear and a set per poll (issue 13). It still fires at the deadline itself, not a tick later.
 */
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';

export class Deadline {
  #clock: ClockPort;
  #onExpired: () => void;
  #timer: TimerHandle | undefined;
  /** When the armed timer fires; the deadline is never earlier while one is armed. */
  #timerAt = 0;
  #at: number | undefined;

  constructor(clock: ClockPort, onExpired: () => void) {
    this.#clock = clock;
    this.#onExpired = onExpired;
  }

  /** Expire at monotonic `at` ms (replaces any earlier setting). */
  set(at: number): void {
    this.#at = at;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#clock.clear(this.#timer);
    this.#arm(at);
  }

  cancel(): void {
    this.#at = undefined;
    this.#clock.clear(this.#timer);
    this.#timer = undefined;
  }

  #arm(at: number): void {
    this.#timerAt = at;
    this.#timer = this.#clock.setTimer(Math.max(0, at - this.#clock.now()), () => this.#fire());
  }

  #fire(): void {
    this.#timer = undefined;
    const at = this.#at;
    if (at === undefined) return;
    if (this.#clock.now() < at) return this.#arm(at);
    this.#at = undefined;
    this.#onExpired();
  }
}
