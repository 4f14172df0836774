/**
 * Debounce for one alert condition: it raises only after being past the limit for the minimum
 * duration, and clears only after being back inside by the margin for that long. Noise that
 * crosses a threshold for less than the duration, or wobbles inside the hysteresis band, changes
 * nothing. Time comes in as an argument; there are no timers here.
 */
export type ConditionChange = 'raise' | 'clear' | undefined;

export class Condition {
  #active = false;
  #pendingSince: number | undefined;

  get active(): boolean {
    return this.#active;
  }

  /** Feed one observation taken at `now` (ms, monotonic). */
  observe(now: number, beyond: boolean, backInside: boolean, minDurationMs: number): ConditionChange {
    const moving = this.#active ? backInside : beyond;
    if (!moving) {
      this.#pendingSince = undefined;
      return undefined;
    }
    this.#pendingSince ??= now;
    if (now - this.#pendingSince < minDurationMs) return undefined;
    this.#pendingSince = undefined;
    this.#active = !this.#active;
    return this.#active ? 'raise' : 'clear';
  }

  /** Forget a half-observed change, e.g. when the data became unknown. */
  resetPending(): void {
    this.#pendingSince = undefined;
  }

  /** Set the state directly (conditions decided elsewhere, such as a timeout). */
  set(active: boolean): ConditionChange {
    this.#pendingSince = undefined;
    if (active === this.#active) return undefined;
    this.#active = active;
    return active ? 'raise' : 'clear';
  }
}
