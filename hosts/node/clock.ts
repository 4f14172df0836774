/**
 * ClockPort in real time: monotonic `now()` from performance.now(), timers on setTimeout and
 * setInterval. A callback that throws is reported, not allowed to take the process down.
 */
import { performance } from 'node:perf_hooks';
import type { ClockPort, TimerHandle } from '../ports/clock';

export interface NodeClockOptions {
  onTimerError?(error: unknown): void;
}

export class NodeClock implements ClockPort {
  #origin = performance.now();
  #timers = new Map<number, ReturnType<typeof setTimeout>>();
  #nextId = 1;
  #onError: (error: unknown) => void;

  constructor(options: NodeClockOptions = {}) {
    this.#onError = options.onTimerError ?? (() => {});
  }

  now(): number {
    return performance.now() - this.#origin;
  }

  wallTime(): number {
    return Date.now();
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(
      id,
      setTimeout(() => {
        this.#timers.delete(id);
        this.#run(fn);
      }, Math.max(0, ms)),
    );
    return { id };
  }

  setInterval(ms: number, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, setInterval(() => this.#run(fn), Math.max(1, ms)));
    return { id };
  }

  clear(timer: TimerHandle | undefined): void {
    if (!timer) return;
    const native = this.#timers.get(timer.id);
    if (native !== undefined) {
      // clearTimeout and clearInterval are interchangeable in Node.
      clearTimeout(native);
      this.#timers.delete(timer.id);
    }
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Cancel every timer (process shutdown, end of a test). */
  clearAll(): void {
    for (const native of this.#timers.values()) clearTimeout(native);
    this.#timers.clear();
  }

  #run(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#onError(error);
    }
  }
}
