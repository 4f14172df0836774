/**
 * CanPort on the TWAI node. Received frames and the node state are polled on the clock every
 * 10 ms into buffers made once (no allocation per poll unless a frame came in). Bus-off is
 * reported by the driver's state-change event (counted natively); the core's CAN driver waits
 * its backoff and then calls `recover`, whose result is checked here.
 */
import type { CanBusState, CanFrame, CanPort, CanPortStatus, CanSendResult } from '../../ports/can';
import type { ClockPort } from '../../ports/clock';
import type { LogPort } from '../../ports/log';
import Twai, { FRAME_FIELD, STATUS_FIELD, STATUS_LENGTH, TWAI_RECOVER, TWAI_STATE, TWAI_WRITE, type TwaiOptions } from './twai';

export interface TwaiCanOptions extends TwaiOptions {
  clock: ClockPort;
  log: LogPort;
  /** How often queued frames and the node state are read (default 10 ms). */
  pollMs?: number;
  onError(error: unknown): void;
}

/** Native TWAI counters beyond CanPortStatus, for diagnostics. */
export interface TwaiCounters {
  busOffEvents: number;
  rxOverruns: number;
  txFailed: number;
  recoveryRequests: number;
  recoveryRefusals: number;
}

export class TwaiCanPort implements CanPort {
  #twai: Twai;
  #log: LogPort;
  #receivers: ((frame: CanFrame) => void)[] = [];
  #onError: (error: unknown) => void;
  #recovering = false;
  #status = new Int32Array(STATUS_LENGTH);
  #header = new Uint32Array(3);
  #data = new Uint8Array(8);
  #busOffEventsSeen = 0;
  #recoveryRequests = 0;
  #recoveryRefusals = 0;

  constructor(options: TwaiCanOptions) {
    this.#onError = options.onError;
    this.#log = options.log;
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
    this.#twai.status(this.#status);
    const status = this.#status;
    return {
      state: this.#state(),
      txErrorCounter: status[STATUS_FIELD.txErrorCounter],
      rxErrorCounter: status[STATUS_FIELD.rxErrorCounter],
      busErrorCount: status[STATUS_FIELD.busErrorCount],
    };
  }

  counters(): TwaiCounters {
    const status = this.#status;
    return {
      busOffEvents: status[STATUS_FIELD.busOffEvents],
      rxOverruns: status[STATUS_FIELD.rxOverruns],
      txFailed: status[STATUS_FIELD.txFailed],
      recoveryRequests: this.#recoveryRequests,
      recoveryRefusals: this.#recoveryRefusals,
    };
  }

  recover(): void {
    const result = this.#twai.recover();
    this.#recoveryRequests++;
    if (result === TWAI_RECOVER.started) this.#recovering = true;
    else if (result === TWAI_RECOVER.refused) {
      this.#recoveryRefusals++;
      this.#log.log('error', 'can', 'the TWAI driver refused bus-off recovery');
    }
  }

  /** From the last status read. */
  #state(): CanBusState {
    const state = this.#status[STATUS_FIELD.state];
    if (state === TWAI_STATE.busOff) return this.#recovering ? 'recovering' : 'bus_off';
    return state === TWAI_STATE.errorPassive ? 'error_passive' : 'running';
  }

  #poll(): void {
    this.#twai.status(this.#status);
    const status = this.#status;
    if (status[STATUS_FIELD.state] !== TWAI_STATE.busOff) this.#recovering = false;
    const busOffEvents = status[STATUS_FIELD.busOffEvents];
    if (busOffEvents !== this.#busOffEventsSeen) {
      this.#busOffEventsSeen = busOffEvents;
      this.#log.log('warn', 'can', `TWAI bus-off (event ${busOffEvents} since boot)`);
    }
    const header = this.#header;
    while (this.#twai.read(header, this.#data)) {
      if (header[FRAME_FIELD.extended]) continue; // Victron and Pylontech use 11-bit identifiers only
      const delivered: CanFrame = { id: header[FRAME_FIELD.id], data: this.#data.slice(0, header[FRAME_FIELD.length]) };
      for (const receive of this.#receivers) {
        try {
          receive(delivered);
        } catch (error) {
          this.#onError(error);
        }
      }
    }
  }
}
