/**
 * The rollback guard for a freshly installed image. The host boots a new image as "pending";
 * this confirms it (markValid) once the gateway ran `confirmAfterMs` without restarting and the
 * BMS link is up, and gives it up (rollback, the previous image boots) when that has not
 * happened by `rollbackAfterMs`. A crash or restart before confirmation is the host's side: the
 * bootloader (ESP32) or the slot state (Node) returns to the previous image on the next boot.
 */
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';
import type { OtaPort } from '../../hosts/ports/ota';
import type { GatewayBus } from '../event_bus/events';
import type { Logger } from '../util/logger';
import { errorMessage } from '../util/error_message';

export type BootHealthState = 'not_pending' | 'verifying' | 'confirmed' | 'rolled_back' | 'rollback_failed';

export interface BootHealthOptions {
  /** Run time without a restart before a pending image may be confirmed (default 60 s). */
  confirmAfterMs?: number;
  /** Roll back when the image is still not confirmed this long after boot (default 5 min). */
  rollbackAfterMs?: number;
}

export interface BootHealthDeps {
  clock: ClockPort;
  bus: GatewayBus;
  ota: OtaPort;
  log: Logger;
}

export class BootHealthCheck {
  #deps: BootHealthDeps;
  #confirmAfterMs: number;
  #rollbackAfterMs: number;
  #state: BootHealthState = 'not_pending';
  #detail = '';
  #bmsUp = false;
  #startedAt = 0;
  #version = '';
  #timers: TimerHandle[] = [];
  #unsubscribe: (() => void)[] = [];

  constructor(deps: BootHealthDeps, options: BootHealthOptions = {}) {
    this.#deps = deps;
    this.#confirmAfterMs = options.confirmAfterMs ?? 60_000;
    this.#rollbackAfterMs = Math.max(options.rollbackAfterMs ?? 300_000, this.#confirmAfterMs);
  }

  get state(): BootHealthState {
    return this.#state;
  }

  /** What the check waits for, or why it ended as it did. */
  get detail(): string {
    return this.#detail;
  }

  start(): void {
    if (this.#state !== 'not_pending' || this.#timers.length > 0) return;
    const info = this.#deps.ota.info();
    if (!info.pendingVerify) return;
    const { clock, bus } = this.#deps;
    this.#state = 'verifying';
    this.#version = info.running;
    this.#startedAt = clock.now();
    this.#detail = `waiting ${Math.round(this.#confirmAfterMs / 1000)} s of run time and a live BMS link`;
    this.#deps.log.warn(`running image ${info.running} is pending: confirming it after ${this.#confirmAfterMs} ms with a live BMS link, else rolling back at ${this.#rollbackAfterMs} ms`);
    this.#unsubscribe.push(
      bus.subscribe('bms.link', ({ online }) => this.#bms(online)),
      bus.subscribe('bms.data', ({ data_valid }) => this.#bms(data_valid)),
    );
    this.#timers.push(clock.setTimer(this.#confirmAfterMs, () => this.#evaluate()), clock.setTimer(this.#rollbackAfterMs, () => this.#giveUp()));
  }

  stop(): void {
    for (const timer of this.#timers) this.#deps.clock.clear(timer);
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#timers = [];
    this.#unsubscribe = [];
  }

  #bms(up: boolean): void {
    this.#bmsUp = up;
    if (up) this.#evaluate();
  }

  #evaluate(): void {
    if (this.#state !== 'verifying') return;
    if (this.#deps.clock.now() - this.#startedAt < this.#confirmAfterMs) return;
    if (!this.#bmsUp) {
      this.#detail = 'ran long enough; waiting for a live BMS link';
      return;
    }
    try {
      this.#deps.ota.markValid();
    } catch (error) {
      this.#giveUp(`confirming it failed: ${errorMessage(error)}`);
      return;
    }
    this.stop();
    this.#state = 'confirmed';
    this.#detail = 'health check passed';
    this.#deps.log.info(`image ${this.#version} confirmed after its health check`);
    this.#deps.bus.publish('ota.confirmed', { version: this.#version });
  }

  #giveUp(reason = `no live BMS link within ${Math.round(this.#rollbackAfterMs / 1000)} s of boot`): void {
    if (this.#state !== 'verifying') return;
    this.stop();
    this.#detail = reason;
    // Logged and published first: on the ESP32 rollback() restarts at once.
    this.#deps.log.error(`image ${this.#version} failed its health check (${reason}); rolling back to the previous image`);
    this.#deps.bus.publish('ota.rolled_back', { version: this.#version, reason });
    try {
      this.#deps.ota.rollback();
      this.#state = 'rolled_back';
    } catch (error) {
      this.#state = 'rollback_failed';
      this.#detail = `${reason}; rollback failed: ${errorMessage(error)}`;
      this.#deps.log.error(`rollback of ${this.#version} failed: ${this.#detail}`);
    }
  }
}
