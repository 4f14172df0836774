/**
 * The device side of the UART: turns received bytes (any chunking) into decoded requests or
 * into rejections the device must NACK (bad CRC, unknown command, malformed request). Like a
 * simple firmware it reads a whole frame by its length rule before checking the CRC, and a
 * partial frame is forgotten after a silent gap so one lost byte cannot wedge the reader.
 */
import { START_BYTE, decodeRequest, hasValidCrc, requestFrameLength, type TinyRequest } from '../../../modules/uart_bms/index';

export type ReadResult =
  | { kind: 'request'; command: number; request: TinyRequest }
  | { kind: 'rejected'; command: number; reason: 'crc_error' | 'command_error'; message: string };

export interface RequestReaderCounters {
  frames: number;
  crcErrors: number;
  commandErrors: number;
  discardedBytes: number;
}

/** Longer than any request frame (a full 0x10 write is 209 bytes). */
const CAPACITY = 512;
/** Frames up to this long are remembered with their result (the gateway's poll, 8 bytes, repeats ten times a second). */
const REMEMBERED_BYTES = 16;

export class RequestReader {
  readonly counters: RequestReaderCounters = { frames: 0, crcErrors: 0, commandErrors: 0, discardedBytes: 0 };
  #buffer = new Uint8Array(CAPACITY);
  #length = 0;
  #lastByteAtMs = -Infinity;
  #gapResetMs: number;
  // The last request read and its result: the same bytes again decode to the same request (its
  // CRC included), so the result is handed on again without a second check and decode.
  #lastFrame = new Uint8Array(REMEMBERED_BYTES);
  #lastLength = 0;
  #lastResult: ReadResult | undefined;
  #remembers: boolean;

  /**
   * @param gapResetMs silence after which a partial frame is dropped (≈ 200 byte times at 115200).
   * @param rememberLast keep the last request and its result (V8: the Node bench); off, nothing is kept (XS's live heap figures).
   */
  constructor(gapResetMs = 20, rememberLast = false) {
    this.#gapResetMs = gapResetMs;
    this.#remembers = rememberLast;
  }

  /** Reads `bytes`, handing each request or rejection they complete to `results` (no array per chunk). */
  push(bytes: Uint8Array, nowMs: number, results: (result: ReadResult) => void): void {
    if (this.#length > 0 && nowMs - this.#lastByteAtMs > this.#gapResetMs) this.#drop(this.#length);
    this.#lastByteAtMs = nowMs;
    // One whole frame with nothing buffered (every poll): read in place, no copy through the buffer.
    if (this.#length === 0 && bytes.length >= 2 && bytes[0] === START_BYTE) {
      if (this.#isLastFrame(bytes)) {
        this.counters.frames++;
        results(this.#lastResult as ReadResult);
        return;
      }
      const rule = requestFrameLength(bytes, 0, bytes.length);
      if (rule.kind === 'length' && rule.length === bytes.length) {
        this.#take(bytes, results);
        return;
      }
    }
    for (let offset = 0; offset < bytes.length; ) {
      const take = Math.min(CAPACITY - this.#length, bytes.length - offset);
      this.#buffer.set(bytes.subarray(offset, offset + take), this.#length);
      this.#length += take;
      offset += take;
      this.#scan(results);
      if (this.#length === CAPACITY) this.#drop(1);
    }
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.#length;
  }

  #scan(results: (result: ReadResult) => void): void {
    for (;;) {
      let start = 0;
      while (start < this.#length && this.#buffer[start] !== START_BYTE) start++;
      this.#drop(start);
      if (this.#length < 2) return;
      const command = this.#buffer[1];
      const rule = requestFrameLength(this.#buffer, 0, this.#length);
      if (rule.kind === 'more') return;
      if (rule.kind === 'invalid') {
        this.#reject(results, command, 'command_error', rule.reason);
        this.#drop(1);
        continue;
      }
      if (this.#length < rule.length) return;
      const frame = this.#buffer.slice(0, rule.length);
      this.#drop(rule.length, false);
      this.#take(frame, results);
    }
  }

  /** A frame of the length its header announces: checked, decoded, and its result added. */
  #take(frame: Uint8Array, results: (result: ReadResult) => void): void {
    const command = frame[1];
    if (!hasValidCrc(frame)) {
      this.#reject(results, command, 'crc_error', 'CRC check failed');
      return;
    }
    const decoded = decodeRequest(frame);
    if (decoded.ok) {
      this.counters.frames++;
      const result: ReadResult = { kind: 'request', command, request: decoded.value };
      this.#remember(frame, result);
      results(result);
    } else this.#reject(results, command, 'command_error', decoded.error.message);
  }

  #isLastFrame(bytes: Uint8Array): boolean {
    const length = bytes.length;
    if (length !== this.#lastLength) return false;
    const last = this.#lastFrame;
    for (let i = 0; i < length; i++) if (bytes[i] !== last[i]) return false;
    return true;
  }

  #remember(frame: Uint8Array, result: ReadResult): void {
    if (!this.#remembers) return;
    if (frame.length > REMEMBERED_BYTES) {
      this.#lastLength = 0;
      return;
    }
    this.#lastFrame.set(frame);
    this.#lastLength = frame.length;
    this.#lastResult = result;
  }

  #reject(results: (result: ReadResult) => void, command: number, reason: 'crc_error' | 'command_error', message: string): void {
    if (reason === 'crc_error') this.counters.crcErrors++;
    else this.counters.commandErrors++;
    results({ kind: 'rejected', command, reason, message });
  }

  #drop(count: number, discarded = true): void {
    if (count <= 0) return;
    this.#buffer.copyWithin(0, count, this.#length);
    this.#length -= count;
    if (discarded) this.counters.discardedBytes += count;
  }
}
