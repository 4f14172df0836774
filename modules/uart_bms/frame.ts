/**
 * Frame building blocks shared by the request and response codecs: the result type of every
 * decoder (errors are values, never throws), byte-order helpers and the envelope check
 * (start byte, length rule, CRC low byte first).
 */
import { START_BYTE } from './commands';
import { hasValidCrc, sealFrame } from './crc';
import type { FrameLength } from './frame_rules';

export type CodecErrorCode = 'empty' | 'bad_start_byte' | 'unknown_command' | 'truncated' | 'length_mismatch' | 'bad_crc' | 'malformed';

export interface CodecError {
  code: CodecErrorCode;
  message: string;
  /** The command byte, when the frame got that far (a device answers such requests with a NACK). */
  command?: number;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: CodecError };

/** Thrown by encoders for arguments no valid frame can carry (a programming error, not line noise). */
export class FrameEncodeError extends RangeError {
  override name = 'FrameEncodeError';
}

export function fail<T>(code: CodecErrorCode, message: string, command?: number): Decoded<T> {
  return { ok: false, error: command === undefined ? { code, message } : { code, message, command } };
}

export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export const readLe16 = (b: Uint8Array, i: number): number => b[i] | (b[i + 1] << 8);
export const readBe16 = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];
export const readLe32 = (b: Uint8Array, i: number): number => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 0x1000000;

export function writeLe16(b: Uint8Array, i: number, value: number): void {
  b[i] = value & 0xff;
  b[i + 1] = (value >>> 8) & 0xff;
}

export function writeBe16(b: Uint8Array, i: number, value: number): void {
  b[i] = (value >>> 8) & 0xff;
  b[i + 1] = value & 0xff;
}

export function writeLe32(b: Uint8Array, i: number, value: number): void {
  writeLe16(b, i, value & 0xffff);
  writeLe16(b, i + 2, Math.floor(value / 0x10000) & 0xffff);
}

/** A frame `AA <command> <body…> CRC_L CRC_H`; `fill` writes the body starting at index 2. */
export function buildFrame(command: number, bodyLength: number, fill: (frame: Uint8Array) => void): Uint8Array {
  const frame = new Uint8Array(bodyLength + 4);
  frame[0] = START_BYTE;
  frame[1] = command;
  fill(frame);
  return sealFrame(frame);
}

/** Checks that `frame` is exactly one CRC-valid frame under `rule`; returns its command byte. */
export function checkEnvelope(frame: Uint8Array, rule: (bytes: Uint8Array, start: number, end: number) => FrameLength): Decoded<number> {
  if (frame.length === 0) return fail('empty', 'no bytes');
  if (frame[0] !== START_BYTE) return fail('bad_start_byte', `frame starts with 0x${hex2(frame[0])}, not 0xAA`);
  if (frame.length < 2) return fail('truncated', 'frame ends after the start byte');
  const command = frame[1];
  const length = rule(frame, 0, frame.length);
  if (length.kind === 'invalid') return fail(length.unknownCommand ? 'unknown_command' : 'malformed', length.reason, command);
  if (length.kind === 'more') return fail('truncated', `frame is ${frame.length} bytes, too short for its header`, command);
  if (frame.length < length.length) return fail('truncated', `frame is ${frame.length} bytes, its header announces ${length.length}`, command);
  if (frame.length > length.length) return fail('length_mismatch', `frame is ${frame.length} bytes, its header announces ${length.length}`, command);
  if (!hasValidCrc(frame)) return fail('bad_crc', 'CRC check failed', command);
  return ok(command);
}

export function hex2(byte: number): string {
  return (byte < 16 ? '0' : '') + byte.toString(16).toUpperCase();
}

/** Checks an encoder argument: an integer within [min, max]. */
export function requireInt(what: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new FrameEncodeError(`${what} must be an integer in ${min}..${max}, got ${value}`);
}

export function requireCount(what: string, length: number, min: number, max: number): void {
  if (length < min || length > max) throw new FrameEncodeError(`${what}: ${length} given, ${min}..${max} allowed`);
}
