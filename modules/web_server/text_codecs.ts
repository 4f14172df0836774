/**
 * Decoders the core needs and XS lacks (no atob, no TextDecoder): Base64 for the Basic auth
 * header and UTF-8 for request bodies and credentials.
 */
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard Base64 (RFC 4648 §4) with padding optional; undefined for anything else. */
export function base64Decode(text: string): Uint8Array | undefined {
  const clean = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  if (clean.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let at = 0;
  for (let i = 0; i < clean.length; i++) {
    const value = BASE64_ALPHABET.indexOf(clean[i]);
    if (value < 0) return undefined;
    bits = ((bits << 6) | value) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[at++] = (bits >> bitCount) & 0xff;
    }
  }
  return out;
}

/** UTF-8 to a string; malformed sequences become U+FFFD, as TextDecoder does by default. */
export function utf8Decode(bytes: Uint8Array): string {
  let out = '';
  let chunk: number[] = [];
  const flush = () => {
    out += String.fromCharCode.apply(null, chunk);
    chunk = [];
  };
  for (let i = 0; i < bytes.length; ) {
    const [codePoint, length] = decodeOne(bytes, i);
    i += length;
    if (codePoint >= 0x10000) {
      const offset = codePoint - 0x10000;
      chunk.push(0xd800 + (offset >> 10), 0xdc00 + (offset & 0x3ff));
    } else chunk.push(codePoint);
    if (chunk.length >= 4096) flush();
  }
  flush();
  return out;
}

const REPLACEMENT = 0xfffd;

/** One code point at `i`: [code point, bytes consumed]. Overlong, surrogate and truncated forms are refused. */
function decodeOne(bytes: Uint8Array, i: number): [number, number] {
  const lead = bytes[i];
  if (lead < 0x80) return [lead, 1];
  let need: number;
  let codePoint: number;
  let minimum: number;
  if (lead >= 0xc2 && lead <= 0xdf) [need, codePoint, minimum] = [1, lead & 0x1f, 0x80];
  else if (lead >= 0xe0 && lead <= 0xef) [need, codePoint, minimum] = [2, lead & 0x0f, 0x800];
  else if (lead >= 0xf0 && lead <= 0xf4) [need, codePoint, minimum] = [3, lead & 0x07, 0x10000];
  else return [REPLACEMENT, 1];
  for (let k = 1; k <= need; k++) {
    const next = bytes[i + k];
    if (next === undefined || (next & 0xc0) !== 0x80) return [REPLACEMENT, k];
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return [REPLACEMENT, need + 1];
  return [codePoint, need + 1];
}
