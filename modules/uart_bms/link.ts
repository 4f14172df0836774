/**
 * One request/response transaction on the TinyBMS UART at a time, over the host's serial port
 * and clock. Each transaction gets a response timeout, a wake-up resend (a sleeping BMS drops the
 * first request silently: if not a single byte came back, the request goes out again at once,
 * without using a retry) and a number of retries. NACK "command error" ends a transaction; NACK
 * "CRC error", timeouts and answers that do not fit are retried. Callbacks, not promises, so the
 * link runs to completion inside a VirtualClock `advance`.
 */
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';
import type { SerialPort } from '../../hosts/ports/serial';
import { UartNackError, UartQueueFullError, UartStoppedError, UartTimeoutError, UartWriteError } from './errors';
import { ResponseFramer } from './framer';
import { encodeRequest, requestCommand, type TinyRequest } from './requests';
import { decodeFramedResponse, respondedCommand, type TinyResponse } from './responses';

/** A transaction's verdict on a response to its command: the result, or why it is not the answer. */
export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface Transaction<T> {
  /** For logs and errors: "poll", "read 300+44". */
  label: string;
  request: TinyRequest;
  /** Exact answer length when known, so the framer waits for it rather than resyncing inside it. */
  responseLength?: number;
  accept(response: TinyResponse): Verdict<T>;
  /**
   * Judges a CRC-valid answer carrying the transaction's own command on its bytes, instead of
   * decoding it into a TinyResponse for `accept` (the poll: its answer is decoded once, straight
   * into LiveData). ACK/NACK still go through `accept`.
   */
  acceptFrame?(frame: Uint8Array): Verdict<T>;
  /** The request already encoded (a transaction run again and again); encoded from `request` when absent. */
  bytes?: Uint8Array;
}

export type Completion<T> = (error: Error | undefined, value?: T) => void;

export interface LinkOptions {
  clock: ClockPort;
  serial: SerialPort;
  responseTimeoutMs(): number;
  retries(): number;
  /** Every request sent and every CRC-valid frame received (the UART monitor). */
  onFrame?(direction: 'tx' | 'rx', bytes: Uint8Array): void;
  maxQueued?: number;
}

export interface LinkCounters {
  requests_sent: number;
  good_frames: number;
  crc_errors: number;
  timeouts: number;
  nacks: number;
  retries: number;
  wakeups: number;
  discarded_bytes: number;
  /** CRC-valid frames that answer another command, or do not fit the request (wrong count). */
  unexpected_frames: number;
  /** CRC-valid frames with no transaction waiting. */
  unsolicited_frames: number;
  /** CRC-valid frames whose content is invalid (e.g. a 0x10 echo with count 0). */
  malformed_frames: number;
  transactions_ok: number;
  transactions_failed: number;
  /** Host clock time of the last CRC-valid frame; -1 before the first. */
  last_frame_ms: number;
}

interface Queued {
  transaction: Transaction<unknown>;
  bytes: Uint8Array;
  command: number;
  done: Completion<unknown>;
}

interface Active extends Queued {
  attempt: number;
  wakeupUsed: boolean;
  bytesThisAttempt: number;
  timer: TimerHandle | undefined;
}

export class UartLink {
  readonly maxQueued: number;
  #options: LinkOptions;
  #framer: ResponseFramer;
  #queue: Queued[] = [];
  #active: Active | undefined;
  #startTimer: TimerHandle | undefined;
  #counters: LinkCounters = {
    requests_sent: 0, good_frames: 0, crc_errors: 0, timeouts: 0, nacks: 0, retries: 0, wakeups: 0, discarded_bytes: 0,
    unexpected_frames: 0, unsolicited_frames: 0, malformed_frames: 0, transactions_ok: 0, transactions_failed: 0, last_frame_ms: -1,
  };

  constructor(options: LinkOptions) {
    this.#options = options;
    this.maxQueued = options.maxQueued ?? 16;
    this.#framer = new ResponseFramer({ copyOf: options.serial.copyOf });
  }

  /** Queues a transaction; `done` is called exactly once, never inside this call. Throws for a request no frame can carry. */
  run<T>(transaction: Transaction<T>, done: Completion<T>): void {
    const bytes = transaction.bytes ?? encodeRequest(transaction.request);
    const finish = done as Completion<unknown>;
    if (this.#queue.length >= this.maxQueued) {
      this.#later(() => finish(new UartQueueFullError(`${transaction.label}: ${this.#queue.length} transactions already waiting`)));
      return;
    }
    this.#queue.push({ transaction: transaction as Transaction<unknown>, bytes, command: requestCommand(transaction.request), done: finish });
    this.#scheduleNext();
  }

  /** Feed received bytes (the serial port's receive callback). */
  receive(bytes: Uint8Array): void {
    if (this.#active) this.#active.bytesThisAttempt += bytes.length;
    const out = this.#framer.push(bytes);
    this.#counters.crc_errors += out.crcErrors;
    this.#counters.discarded_bytes += out.discardedBytes;
    const frames = out.frames;
    for (let i = 0; i < frames.length; i++) this.#onFrame(frames[i]);
  }

  /** Fails the running and every queued transaction with UartStoppedError. */
  stop(reason: string): void {
    this.#options.clock.clear(this.#startTimer);
    this.#startTimer = undefined;
    const failed = this.#active ? [this.#active, ...this.#queue] : [...this.#queue];
    if (this.#active) this.#options.clock.clear(this.#active.timer);
    this.#active = undefined;
    this.#queue = [];
    this.#framer.expect(undefined);
    for (const entry of failed) {
      this.#counters.transactions_failed++;
      entry.done(new UartStoppedError(`${entry.transaction.label}: ${reason}`));
    }
  }

  get queueDepth(): number {
    return this.#queue.length + (this.#active ? 1 : 0);
  }

  counters(): Readonly<LinkCounters> {
    return { ...this.#counters };
  }

  #later(fn: () => void): void {
    this.#options.clock.setTimer(0, fn);
  }

  #scheduleNext(): void {
    if (this.#active || this.#startTimer || this.#queue.length === 0) return;
    this.#startTimer = this.#options.clock.setTimer(0, this.#startNext);
  }

  /** One function for every transaction's start: no closure per poll. */
  #startNext = (): void => {
    this.#startTimer = undefined;
    const next = this.#queue.shift();
    if (!next || this.#active) return;
    // Spelled out, not spread: a spread copy was the costliest line of a poll on V8.
    this.#active = { transaction: next.transaction, bytes: next.bytes, command: next.command, done: next.done, attempt: 0, wakeupUsed: false, bytesThisAttempt: 0, timer: undefined };
    this.#send();
  };

  #timedOut = (): void => this.#onTimeout();

  #send(): void {
    const active = this.#active as Active;
    const { clock, serial } = this.#options;
    // Whatever is left of an earlier answer must not be mistaken for this one.
    this.#counters.discarded_bytes += this.#framer.reset();
    serial.flush?.();
    this.#framer.expect({ command: active.command, length: active.transaction.responseLength });
    active.bytesThisAttempt = 0;
    try {
      serial.write(active.bytes);
    } catch (error) {
      this.#complete(new UartWriteError(`${active.transaction.label}: serial write failed: ${(error as Error)?.message ?? String(error)}`));
      return;
    }
    this.#counters.requests_sent++;
    this.#options.onFrame?.('tx', active.bytes);
    active.timer = clock.setTimer(Math.max(1, this.#options.responseTimeoutMs()), this.#timedOut);
  }

  #onTimeout(): void {
    const active = this.#active;
    if (!active) return;
    active.timer = undefined;
    if (active.attempt === 0 && !active.wakeupUsed && active.bytesThisAttempt === 0) {
      active.wakeupUsed = true;
      this.#counters.wakeups++;
      this.#send();
      return;
    }
    this.#counters.timeouts++;
    this.#retryOrFail(new UartTimeoutError(`${active.transaction.label}: no valid answer within ${this.#options.responseTimeoutMs()} ms after ${active.attempt + 1} attempt(s)`));
  }

  #retryOrFail(error: Error): void {
    const active = this.#active as Active;
    this.#options.clock.clear(active.timer);
    if (active.attempt < Math.max(0, this.#options.retries())) {
      active.attempt++;
      this.#counters.retries++;
      this.#send();
    } else {
      this.#complete(error);
    }
  }

  #onFrame(frame: Uint8Array): void {
    this.#counters.good_frames++;
    this.#counters.last_frame_ms = this.#options.clock.now();
    this.#options.onFrame?.('rx', frame);
    const active = this.#active;
    const acceptFrame = active?.transaction.acceptFrame;
    if (acceptFrame && frame[1] === active.command) {
      const verdict = acceptFrame(frame);
      if (verdict.ok) this.#complete(undefined, verdict.value);
      else this.#counters.unexpected_frames++;
      return;
    }
    const decoded = decodeFramedResponse(frame);
    if (!decoded.ok) {
      this.#counters.malformed_frames++;
      return;
    }
    if (!active) {
      this.#counters.unsolicited_frames++;
      return;
    }
    const response = decoded.value;
    if (respondedCommand(response) !== active.command) {
      this.#counters.unexpected_frames++;
      return;
    }
    if (response.kind === 'nack') {
      this.#counters.nacks++;
      const error = new UartNackError(active.transaction.label, response.command, response.reason);
      if (response.reason === 'command_error') this.#complete(error);
      else this.#retryOrFail(error);
      return;
    }
    const verdict = active.transaction.accept(response);
    if (!verdict.ok) {
      this.#counters.unexpected_frames++;
      return;
    }
    this.#complete(undefined, verdict.value);
  }

  #complete(error: Error | undefined, value?: unknown): void {
    const active = this.#active as Active;
    this.#options.clock.clear(active.timer);
    this.#active = undefined;
    this.#framer.expect(undefined);
    if (error) this.#counters.transactions_failed++;
    else this.#counters.transactions_ok++;
    active.done(error, value);
    this.#scheduleNext();
  }
}
