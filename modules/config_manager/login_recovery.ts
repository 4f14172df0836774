/**
 * The device's way back in after a forgotten web password: during the first two minutes after
 * power-up, holding the BOOT button for 10 s resets the web login to the documented first-boot
 * one (admin / tinybms-gw); nothing else changes. Physical access to the board is the proof of
 * ownership; after the window the button does nothing, so a passer-by cannot use it on a running
 * gateway. The host reports the button (press/release); this holds the timing, testable anywhere.
 */
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';
import type { Logger } from '../util/logger';

export interface LoginRecoveryOptions {
  /** How long after start the button is listened to. */
  windowMs?: number;
  /** How long it must be held. */
  holdMs?: number;
}

export class LoginRecoveryWindow {
  #clock: ClockPort;
  #reset: () => boolean;
  #log: Logger;
  #windowMs: number;
  #holdMs: number;
  #closesAt = 0;
  #hold: TimerHandle | undefined;
  resets = 0;

  constructor(clock: ClockPort, reset: () => boolean, logger: Logger, options: LoginRecoveryOptions = {}) {
    this.#clock = clock;
    this.#reset = reset;
    this.#log = logger;
    this.#windowMs = options.windowMs ?? 120_000;
    this.#holdMs = options.holdMs ?? 10_000;
  }

  start(): void {
    this.#closesAt = this.#clock.now() + this.#windowMs;
    this.#log.info(`login recovery: hold the BOOT button ${this.#holdMs / 1000} s within ${this.#windowMs / 1000} s to reset the web login`);
  }

  get open(): boolean {
    return this.#clock.now() < this.#closesAt;
  }

  pressed(): void {
    if (!this.open || this.#hold !== undefined) return;
    this.#hold = this.#clock.setTimer(this.#holdMs, () => {
      this.#hold = undefined;
      if (this.#reset()) {
        this.resets++;
        this.#log.warn('login recovery: BOOT button held, web login reset to admin / the first-boot password');
      } else this.#log.error('login recovery: the web login could not be reset');
    });
  }

  released(): void {
    this.#clock.clear(this.#hold);
    this.#hold = undefined;
  }
}
