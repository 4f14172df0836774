/** Monotonic time and timers. The core never touches global timers; everything goes through here. */
export interface TimerHandle {
  readonly id: number;
}

export interface ClockPort {
  /** Milliseconds since an arbitrary origin, never going backwards. */
  now(): number;
  /** Wall-clock milliseconds since the Unix epoch (may jump when SNTP sets the time). */
  wallTime(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
  setInterval(ms: number, fn: () => void): TimerHandle;
  clear(timer: TimerHandle | undefined): void;
}
