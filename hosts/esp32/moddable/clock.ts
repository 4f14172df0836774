/**
 * ClockPort on the SDK's Timer and Time. `Time.ticks` is a millisecond counter that wraps on the
 * MCU, so `now()` accumulates `Time.delta` steps into a monotonic count; a slow repeating timer
 * keeps the steps shorter than any wrap. A callback that throws is logged, never allowed to
 * reach XS as an unhandled exception (that aborts the firmware).
 */
import Time from 'time';
import Timer from 'timer';
import type { ClockPort, TimerHandle } from '../../ports/clock';

type SdkTimer = ReturnType<typeof Timer.set>;

interface ModdableTimerHandle extends TimerHandle {
  timer: SdkTimer | undefined;
}

export class ModdableClock implements ClockPort {
  #lastTicks = Time.ticks;
  #elapsed = 0;
  #nextId = 1;
  #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
    Timer.repeat(() => this.now(), 60 * 60 * 1000);
  }

  now(): number {
    const ticks = Time.ticks;
    this.#elapsed += Time.delta(this.#lastTicks, ticks);
    this.#lastTicks = ticks;
    return this.#elapsed;
  }

  wallTime(): number {
    return Date.now();
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const handle: ModdableTimerHandle = { id: this.#nextId++, timer: undefined };
    handle.timer = Timer.set(() => {
      handle.timer = undefined;
      this.#run(fn);
    }, Math.max(0, ms));
    return handle;
  }

  setInterval(ms: number, fn: () => void): TimerHandle {
    const handle: ModdableTimerHandle = { id: this.#nextId++, timer: undefined };
    handle.timer = Timer.repeat(() => this.#run(fn), Math.max(1, ms));
    return handle;
  }

  clear(timer: TimerHandle | undefined): void {
    const handle = timer as ModdableTimerHandle | undefined;
    if (!handle?.timer) return;
    Timer.clear(handle.timer);
    handle.timer = undefined;
  }

  #run(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#onError(error);
    }
  }
}
