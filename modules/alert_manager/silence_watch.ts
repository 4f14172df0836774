/**
 * Communication-lost detection for one data source (the bank, or one pack of several): raised by
 * a host timer (a moving Deadline) when no valid data arrived for the configured time, so total silence raises it
 * too; cleared by the next valid data. The caller turns the changes into alerts.
 */
import type { ClockPort } from '../../hosts/ports/clock';
import { Deadline } from '../util/deadline';
import { Condition } from './condition';

export class SilenceWatch {
  readonly condition = new Condition();
  #clock: ClockPort;
  #deadline: Deadline;
  #onSilent: ((silentForMs: number) => void) | undefined;
  /** Monotonic ms of the last valid data, or of the start of the watch before any arrived. */
  #lastValidAt: number;

  constructor(clock: ClockPort) {
    this.#clock = clock;
    this.#lastValidAt = clock.now();
    this.#deadline = new Deadline(clock, () => {
      if (this.condition.set(true) === 'raise') this.#onSilent?.(this.#clock.now() - this.#lastValidAt);
    });
  }

  get active(): boolean {
    return this.condition.active;
  }

  /** Restart the silence count from now (the watch starts or restarts). */
  restart(): void {
    this.#lastValidAt = this.#clock.now();
  }

  /** (Re)arm the timer for `afterMs` past the last valid data; `onSilent` gets the silence so far when it fires and raises. */
  arm(afterMs: number, onSilent: (silentForMs: number) => void): void {
    this.#onSilent = onSilent;
    this.#deadline.set(this.#lastValidAt + afterMs);
  }

  /** Valid data now: returns the silence it ended when that clears the condition, else undefined. */
  heard(): number | undefined {
    const now = this.#clock.now();
    const silentFor = now - this.#lastValidAt;
    this.#lastValidAt = now;
    return this.condition.set(false) === 'clear' ? silentFor : undefined;
  }

  stop(): void {
    this.#deadline.cancel();
  }
}
