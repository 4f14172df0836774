/**
 * CanPort on the TWAI controller. Receive and status are polled on the clock (the Victron
 * traffic is a few frames a second); bus-off recovery is started when the core asks, and the
 * driver — stopped after recovery — is restarted here so the state goes back to running.
 */
import type { CanBusState, CanFrame, CanPort, CanPortStatus, CanSendResult } from '../../ports/can';
import type { ClockPort } from '../../ports/clock';
import Twai, { TWAI_STATE, TWAI_WRITE, type TwaiOptions, type TwaiStatus } from './twai';

export interface TwaiCanOptions extends TwaiOptions {
  clock: ClockPort;
  /** How often queued frames and the controller state are read (default 10 ms). */
  pollMs?: number;
  onError(error: unknown): void;
}

export class TwaiCanPort implements CanPort {
  #twai: Twai;
  #receivers: ((frame: CanFrame) => void)[] = [];
  #onError: (error: unknown) => void;
  #recovering = false;
  #stateCache: CanBusState = 'running';

  constructor(options: TwaiCanOptions) {
    this.#onError = options.onError;
    this.#twai = new Twai(options);
    options.clock.setInterval(options.pollMs ?? 10, () => this.#poll());
  }

  send(frame: CanFrame): CanSendResult {
    const result = this.#twai.write(frame.id, frame.data);
    if (result === TWAI_WRITE.queued) return 'accepted';
    if (result === TWAI_WRITE.queueFull) return 'queue_full';
    return 'bus_off';
  }

  onReceive(callback: (frame: CanFrame) => void): void {
    this.#receivers.push(callback);
  }

  status(): CanPortStatus {
    const status = this.#twai.status();
    return {
      state: this.#state(status),
      txErrorCounter: status.txErrorCounter,
      rxErrorCounter: status.rxErrorCounter,
      busErrorCount: status.busErrorCount,
    };
  }

  recover(): void {
    if (this.#twai.status().state !== TWAI_STATE.busOff) return;
    this.#recovering = true;
    this.#twai.recover();
  }

  #state(status: TwaiStatus): CanBusState {
    const driverState = status.state;
    if (driverState === TWAI_STATE.busOff) return 'bus_off';
    if (driverState === TWAI_STATE.recovering || (driverState === TWAI_STATE.stopped && this.#recovering)) return 'recovering';
    if (driverState === TWAI_STATE.stopped) return 'stopped';
    return status.txErrorCounter >= 128 ? 'error_passive' : 'running';
  }

  #poll(): void {
    const status = this.#twai.status();
    if (this.#recovering && status.state === TWAI_STATE.stopped) {
      this.#recovering = false;
      this.#twai.start();
    }
    this.#stateCache = this.#state(status);
    for (let frame = this.#twai.read(); frame; frame = this.#twai.read()) {
      if (frame.extended) continue; // Victron and Pylontech use 11-bit identifiers only
      const delivered: CanFrame = { id: frame.id, data: new Uint8Array(frame.data) };
      for (const receive of this.#receivers) {
        try {
          receive(delivered);
        } catch (error) {
          this.#onError(error);
        }
      }
    }
  }

  /** The state seen at the last poll (cheap, for logging). */
  get lastState(): CanBusState {
    return this.#stateCache;
  }
}
