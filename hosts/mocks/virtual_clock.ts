import type { ClockPort, TimerHandle } from '../ports/clock';

interface PendingTimer {
  id: number;
  due: number;
  period: number | undefined;
  fn: () => void;
  /** Insertion order, so timers due at the same instant fire in the order they were set. */
  sequence: number;
}

/**
 * Deterministic clock for tests and fast simulation: time moves only when `advance` is called,
 * and due timers fire in time order (ties in creation order). A simulated day runs in seconds.
 */
export class VirtualClock implements ClockPort {
  #now: number;
  #wallOrigin: number;
  #timers = new Map<number, PendingTimer>();
  #nextId = 1;
  #sequence = 0;

  constructor(startMs = 0, wallOriginMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
    this.#wallOrigin = wallOriginMs;
  }

  now(): number {
    return this.#now;
  }

  wallTime(): number {
    return this.#wallOrigin + this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    return this.#add(ms, undefined, fn);
  }

  setInterval(ms: number, fn: () => void): TimerHandle {
    return this.#add(ms, Math.max(1, ms), fn);
  }

  clear(timer: TimerHandle | undefined): void {
    if (timer) this.#timers.delete(timer.id);
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      const next = this.#earliest();
      if (!next || next.due > target) break;
      this.#now = Math.max(this.#now, next.due);
      if (next.period === undefined) this.#timers.delete(next.id);
      else {
        next.due += next.period;
        next.sequence = this.#sequence++;
      }
      next.fn();
    }
    this.#now = target;
  }

  /** Fire timers already due (including zero-delay deferrals) without moving time. */
  runDue(): void {
    this.advance(0);
  }

  #add(ms: number, period: number | undefined, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), period, fn, sequence: this.#sequence++ });
    return { id };
  }

  #earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (!best || timer.due < best.due || (timer.due === best.due && timer.sequence < best.sequence)) best = timer;
    }
    return best;
  }
}
