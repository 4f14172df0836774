/**
 * Byte stream → frames. Accumulates arbitrary chunks in a bounded buffer, finds CRC-valid
 * frames by the length rules of frame_rules.ts and resynchronises after garbage: bytes that do
 * not belong to a valid frame are dropped up to the next 0xAA that starts one. Never throws.
 *
 * A candidate whose header announces more bytes than have arrived is normally waited for; but
 * if a complete CRC-valid frame already sits behind it, the candidate was garbage (a stray 0xAA)
 * and is dropped, so a valid frame is never held back by noise. The exception is a candidate
 * that matches what the caller expects: a long expected answer is waited for.
 */
import { START_BYTE } from './commands';
import { hasValidCrc } from './crc';
import { MAX_FRAME_LENGTH, requestFrameLength, responseFrameLength, type FrameLength, type FrameLengthRule } from './frame_rules';

export interface FramerOutput {
  /** Complete CRC-valid frames, in stream order (copies; the caller may keep them). */
  frames: Uint8Array[];
  /** Candidates whose length rule held but whose CRC did not. */
  crcErrors: number;
  /** Bytes dropped as not belonging to any valid frame. */
  discardedBytes: number;
}

export interface FramerStats {
  frames: number;
  crcErrors: number;
  discardedBytes: number;
  buffered: number;
}

/** What the caller waits for: a command (ACK/NACK for it count too) and optionally its exact frame length. */
export interface FrameExpectation {
  command: number;
  length?: number;
}

export interface FramerOptions {
  /** Buffer size in bytes; at least twice the longest frame so a decision is always possible. */
  capacity?: number;
  /**
   * Makes the frames' copies (bytes of their own, that nothing else writes); without it `slice()`.
   * On V8 a typed array over 64 bytes gets its own off-heap store (≈ 1 µs to make and collect,
   * the poll's largest cost there): a host may carve copies from larger buffers (byte_slab.ts).
   */
  copyOf?: (bytes: Uint8Array) => Uint8Array;
}

const ACK = 0x01;
const NACK = 0x00;

export class Framer {
  readonly capacity: number;
  #rule: FrameLengthRule;
  #buffer: Uint8Array;
  #start = 0;
  #end = 0;
  #expectation: FrameExpectation | undefined;
  #stats = { frames: 0, crcErrors: 0, discardedBytes: 0 };
  #copyOf: FramerOptions['copyOf'];

  constructor(rule: FrameLengthRule, options: FramerOptions = {}) {
    this.#rule = rule;
    this.#copyOf = options.copyOf;
    this.capacity = Math.max(2 * MAX_FRAME_LENGTH, Math.floor(options.capacity ?? 512));
    this.#buffer = new Uint8Array(this.capacity);
  }

  /** Adds received bytes; returns the frames they completed and what was dropped on the way. */
  push(chunk: Uint8Array): FramerOutput {
    const out: FramerOutput = { frames: [], crcErrors: 0, discardedBytes: 0 };
    // The usual case (one UART read per answer): nothing buffered and the chunk is exactly one
    // valid frame. The scan below would find just that; this skips copying it in and scanning.
    if (this.#start === this.#end && chunk.length >= 3 && chunk[0] === START_BYTE) {
      const length = this.#rule(chunk, 0, chunk.length);
      if (length.kind === 'length' && length.length === chunk.length && hasValidCrc(chunk, 0, chunk.length)) {
        out.frames.push(this.#copyOf ? this.#copyOf(chunk) : chunk.slice());
        this.#stats.frames++;
        return out;
      }
    }
    let offset = 0;
    while (offset < chunk.length) {
      this.#compact();
      const take = Math.min(this.capacity - this.#end, chunk.length - offset);
      // A whole chunk (the usual case: one UART read per answer) is copied without a view of it.
      this.#buffer.set(offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take), this.#end);
      this.#end += take;
      offset += take;
      this.#scan(out);
      // Defensive: the scan always decides once the buffer is full (capacity ≥ 2 × longest frame).
      if (this.#end - this.#start >= this.capacity) this.#discard(1, out);
    }
    this.#stats.frames += out.frames.length;
    this.#stats.crcErrors += out.crcErrors;
    this.#stats.discardedBytes += out.discardedBytes;
    return out;
  }

  /** Tells the framer what answer the caller waits for (undefined: nothing in particular). */
  expect(expectation: FrameExpectation | undefined): void {
    this.#expectation = expectation;
  }

  /** Drops everything buffered (e.g. before a retry); returns how many bytes went. */
  reset(): number {
    const dropped = this.#end - this.#start;
    this.#stats.discardedBytes += dropped;
    this.#start = 0;
    this.#end = 0;
    return dropped;
  }

  get buffered(): number {
    return this.#end - this.#start;
  }

  stats(): FramerStats {
    return { ...this.#stats, buffered: this.buffered };
  }

  #scan(out: FramerOutput): void {
    const buffer = this.#buffer;
    for (;;) {
      let next = this.#start;
      while (next < this.#end && buffer[next] !== START_BYTE) next++;
      this.#discard(next - this.#start, out);
      if (this.#start === this.#end) return;

      const length = this.#rule(buffer, this.#start, this.#end);
      if (length.kind === 'invalid') {
        this.#discard(1, out);
        continue;
      }
      if (length.kind === 'length' && this.#end - this.#start >= length.length) {
        if (hasValidCrc(buffer, this.#start, length.length)) {
          const end = this.#start + length.length;
          out.frames.push(this.#copyOf ? this.#copyOf(buffer.subarray(this.#start, end)) : buffer.slice(this.#start, end));
          this.#start += length.length;
        } else {
          out.crcErrors++;
          this.#discard(1, out);
        }
        continue;
      }
      // The candidate at the head is incomplete.
      if (this.#isExpected(length)) return;
      const later = this.#completeFrameAfter(this.#start + 1);
      if (later < 0) return;
      this.#discard(later - this.#start, out);
    }
  }

  #isExpected(length: FrameLength): boolean {
    const expected = this.#expectation;
    if (!expected) return false;
    const command = this.#buffer[this.#start + 1];
    if (command === ACK || command === NACK) {
      return this.#end - this.#start < 3 || this.#buffer[this.#start + 2] === expected.command;
    }
    if (command !== expected.command) return false;
    return expected.length === undefined || length.kind !== 'length' || length.length === expected.length;
  }

  /** Index of the first complete CRC-valid frame at or after `from`, or -1. */
  #completeFrameAfter(from: number): number {
    const buffer = this.#buffer;
    for (let i = from; i < this.#end; i++) {
      if (buffer[i] !== START_BYTE) continue;
      const length = this.#rule(buffer, i, this.#end);
      if (length.kind === 'length' && i + length.length <= this.#end && hasValidCrc(buffer, i, length.length)) return i;
    }
    return -1;
  }

  #discard(count: number, out: FramerOutput): void {
    this.#start += count;
    out.discardedBytes += count;
  }

  #compact(): void {
    if (this.#start === 0) return;
    this.#buffer.copyWithin(0, this.#start, this.#end);
    this.#end -= this.#start;
    this.#start = 0;
  }
}

/** Frames what the gateway reads: TinyBMS responses, ACKs and NACKs. */
export class ResponseFramer extends Framer {
  constructor(options?: FramerOptions) {
    super(responseFrameLength, options);
  }
}

/** Frames what a device reads: requests (used by the TinyBMS simulator). */
export class RequestFramer extends Framer {
  constructor(options?: FramerOptions) {
    super(requestFrameLength, options);
  }
}
