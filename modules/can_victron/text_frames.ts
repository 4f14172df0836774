/**
 * Text frames: 8 characters of 7-bit printable ASCII each (0x35E manufacturer, 0x370/0x371 name,
 * 0x374–0x377 cell ids, 0x380/0x381 serial, 0x382 family). Victron pads with 0x00, Pylontech
 * with spaces (victron-can.md §1, §7). No TextEncoder: it does not exist on XS.
 */
import { CanEncodeError } from './fields';

export const TEXT_FRAME_LENGTH = 8;

export function encodeText(text: string, padding: 0x00 | 0x20 = 0x00): Uint8Array {
  if (text.length > TEXT_FRAME_LENGTH) {
    throw new CanEncodeError(`"${text}" has ${text.length} characters; a CAN text frame holds ${TEXT_FRAME_LENGTH}`);
  }
  const data = new Uint8Array(TEXT_FRAME_LENGTH).fill(padding);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) {
      throw new CanEncodeError(`"${text}" has a character (code ${code}) outside printable 7-bit ASCII`);
    }
    data[i] = code;
  }
  return data;
}

/** Splits a 16-character name over two frames (0x370/0x371, 0x380/0x381); the second may be empty. */
export function encodeLongText(text: string): [Uint8Array, Uint8Array] {
  if (text.length > 2 * TEXT_FRAME_LENGTH) {
    throw new CanEncodeError(`"${text}" has ${text.length} characters; two CAN text frames hold ${2 * TEXT_FRAME_LENGTH}`);
  }
  return [encodeText(text.slice(0, TEXT_FRAME_LENGTH)), encodeText(text.slice(TEXT_FRAME_LENGTH))];
}

/** The text with trailing 0x00 padding removed (spaces are kept: "PYLON   " is what the bus says). */
export function decodeText(data: Uint8Array): string {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  let out = '';
  for (let i = 0; i < end; i++) {
    const code = data[i];
    // Anything outside printable ASCII is shown escaped rather than trusted.
    out += code >= 0x20 && code <= 0x7e ? String.fromCharCode(code) : `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return out;
}
