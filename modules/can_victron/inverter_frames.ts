/**
 * Frames the GX (inverter side) sends: 0x305 keep-alive and 0x307 identification
 * (victron-can.md §2 "Frames the GX sends"). Since Venus 3.00 the keep-alive may carry data,
 * so its content is reported, never required to be zero.
 */
import { toHex } from '../util/hex';

const IDENTIFY_MAGIC = Object.freeze([0x12, 0x34, 0x56, 0x78]);

export interface DecodedKeepAlive {
  keepalive: true;
  data_hex: string;
}

export interface DecodedIdentify {
  /** Bytes 0–3 are 12 34 56 78. */
  magic_ok: boolean;
  /** Bytes 4–6 as ASCII; "VIC" on a Victron GX. */
  signature: string;
}

export function decodeKeepAlive(data: Uint8Array): DecodedKeepAlive {
  return { keepalive: true, data_hex: toHex(data) };
}

export function decodeIdentify(data: Uint8Array): DecodedIdentify {
  const magic_ok = data.length >= 4 && IDENTIFY_MAGIC.every((b, i) => data[i] === b);
  let signature = '';
  for (let i = 4; i < Math.min(7, data.length); i++) {
    const code = data[i];
    signature += code >= 0x20 && code <= 0x7e ? String.fromCharCode(code) : '?';
  }
  return { magic_ok, signature };
}

/** What a Victron GX sends as 0x307 (used by simulators and tests). */
export function encodeIdentify(signature = 'VIC'): Uint8Array {
  const data = new Uint8Array(8);
  data.set(IDENTIFY_MAGIC, 0);
  for (let i = 0; i < 3 && i < signature.length; i++) data[4 + i] = signature.charCodeAt(i) & 0x7f;
  return data;
}
