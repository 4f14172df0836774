/**
 * The simulated TinyBMS's UART behaviour on a serial endpoint: reads requests, answers after a
 * short processing delay, NACKs bad frames, sleeps after a quiet spell (the first request then
 * only wakes it and gets no answer, tinybms-uart.md §1.2), is deaf while rebooting, and, under
 * injected faults, stays silent or corrupts replies.
 */
import type { ClockPort } from '../../ports/clock';
import type { SerialPort } from '../../ports/serial';
import type { SeededRandom } from '../random';
import { RequestReader, type ReadResult } from './request_reader';
import { nackFrame, respond, type ResponderTarget } from './responder';

export interface UartDeviceOptions {
  clock: ClockPort;
  /** With `writeOwned` (the mock cable), answers are handed over without the cable's copy: each is a fresh array the device never touches again. */
  serial: SerialPort & { writeOwned?(bytes: Uint8Array): void };
  target: ResponderTarget;
  random: SeededRandom;
  /** Quiet time after which the BMS sleeps, s (0 = never sleeps). */
  sleepAfterS?: number;
  startAsleep?: boolean;
  /** Time from the end of a request to the start of the answer, ms. */
  responseDelayMs?: number;
  /** Called when UART traffic wakes the BMS. */
  onWake?: () => void;
  /** The request reader keeps the last request and its result (request_reader.ts). */
  rememberLastRequest?: boolean;
}

export interface UartDeviceCounters {
  requests: number;
  answered: number;
  nacks: number;
  /** Requests that only woke the BMS. */
  wakeUps: number;
  /** Requests dropped while silent (fault) or rebooting. */
  ignored: number;
  corruptedReplies: number;
}

export interface UartLineFaults {
  silent: boolean;
  noiseRate: number;
}

export class UartDevice {
  readonly counters: UartDeviceCounters = { requests: 0, answered: 0, nacks: 0, wakeUps: 0, ignored: 0, corruptedReplies: 0 };
  readonly reader: RequestReader;
  #options: UartDeviceOptions;
  #lastTrafficMs = 0;
  #swallowNextFrame = false;
  #deafUntilMs = -Infinity;
  #faults: UartLineFaults = { silent: false, noiseRate: 0 };
  #attached = true;
  /** Answers waiting out the response delay, in slots `#outgoingHead` to `#outgoingEnd` − 1. */
  #outgoing: (Uint8Array | undefined)[] = [];
  #outgoingHead = 0;
  #outgoingEnd = 0;
  readonly #writeOldestBound = (): void => this.#writeOldest();
  readonly #handleBound = (result: ReadResult): void => this.#handle(result);

  constructor(options: UartDeviceOptions) {
    this.#options = options;
    this.reader = new RequestReader(undefined, options.rememberLastRequest);
    this.#lastTrafficMs = options.startAsleep ? -Infinity : options.clock.now();
    options.serial.onReceive((bytes) => this.#receive(bytes));
  }

  /** True when the next request would only wake the BMS. */
  get asleep(): boolean {
    const sleepMs = (this.#options.sleepAfterS ?? 0) * 1000;
    return sleepMs > 0 && this.#options.clock.now() - this.#lastTrafficMs >= sleepMs;
  }

  setLineFaults(faults: UartLineFaults): void {
    this.#faults = faults;
  }

  /** Ignores all requests for `ms` (a BMS reboot). */
  deafFor(ms: number): void {
    this.#deafUntilMs = this.#options.clock.now() + ms;
  }

  /** Stops reacting to the serial port (the SerialPort has no unsubscribe). */
  detach(): void {
    this.#attached = false;
  }

  #receive(bytes: Uint8Array): void {
    if (!this.#attached) return;
    const now = this.#options.clock.now();
    if (this.asleep) {
      this.#swallowNextFrame = true;
      this.counters.wakeUps++;
      this.#options.onWake?.();
    }
    this.#lastTrafficMs = now;
    this.reader.push(bytes, now, this.#handleBound);
  }

  /** One request or rejection read (the clock has not moved since `#receive` began). */
  #handle(result: ReadResult): void {
    this.counters.requests++;
    if (this.#swallowNextFrame) {
      this.#swallowNextFrame = false;
      return;
    }
    if (this.#faults.silent || this.#options.clock.now() < this.#deafUntilMs) {
      this.counters.ignored++;
      return;
    }
    if (result.kind === 'rejected') {
      this.counters.nacks++;
      this.#send(nackFrame(result.command, result.reason));
    } else {
      this.#send(respond(result.request, this.#options.target));
    }
  }

  #send(frame: Uint8Array): void {
    this.counters.answered++;
    const bytes = this.#faults.noiseRate > 0 && this.#options.random.chance(this.#faults.noiseRate) ? this.#corrupt(frame) : frame;
    // Every answer waits the same delay, so they leave in the order sent: a queue and one bound
    // function instead of a closure per answer (ten a second on the bench).
    this.#outgoing[this.#outgoingEnd++] = bytes;
    this.#options.clock.setTimer(this.#options.responseDelayMs ?? 2, this.#writeOldestBound);
  }

  #writeOldest(): void {
    const bytes = this.#outgoing[this.#outgoingHead];
    this.#outgoing[this.#outgoingHead++] = undefined;
    // Emptied: start again at slot 0, keeping the array's store (no shrink and regrow per answer).
    if (this.#outgoingHead === this.#outgoingEnd) this.#outgoingHead = this.#outgoingEnd = 0;
    const serial = this.#options.serial;
    if (serial.writeOwned) serial.writeOwned(bytes as Uint8Array);
    else serial.write(bytes as Uint8Array);
  }

  /** Line noise: a flipped bit, a lost byte, or stray bytes before the frame. */
  #corrupt(frame: Uint8Array): Uint8Array {
    this.counters.corruptedReplies++;
    const random = this.#options.random;
    const at = random.integer(0, frame.length - 1);
    switch (random.integer(0, 2)) {
      case 0: {
        const out = frame.slice();
        out[at] ^= 1 << random.integer(0, 7);
        return out;
      }
      case 1:
        return new Uint8Array([...frame.subarray(0, at), ...frame.subarray(at + 1)]);
      default: {
        const junk = Array.from({ length: random.integer(1, 3) }, () => random.integer(0, 255));
        return new Uint8Array([...junk, ...frame]);
      }
    }
  }
}
