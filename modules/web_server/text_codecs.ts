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

const REPLACEMENT = 0xfffd;

/**
 * UTF-8 to a string, decoding as the WHATWG Encoding standard does (what TextDecoder gives):
 * each maximal malformed subsequence becomes one U+FFFD.
 */
export function utf8Decode(bytes: Uint8Array): string {
  return utf8DecodeCounted(bytes).text;
}

/** The text, or undefined when the bytes are not well-formed UTF-8 (request bodies must be). */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  const decoded = utf8DecodeCounted(bytes);
  return decoded.malformed === 0 ? decoded.text : undefined;
}

function utf8DecodeCounted(bytes: Uint8Array): { text: string; malformed: number } {
  let malformed = 0;
  let out = '';
  let units: number[] = [];
  const emit = (codePoint: number) => {
    if (codePoint >= 0x10000) units.push(0xd800 + ((codePoint - 0x10000) >> 10), 0xdc00 + ((codePoint - 0x10000) & 0x3ff));
    else units.push(codePoint);
    if (units.length >= 4096) {
      out += String.fromCharCode.apply(null, units);
      units = [];
    }
  };
  let needed = 0;
  let seen = 0;
  let codePoint = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (needed === 0) {
      if (byte <= 0x7f) emit(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) [needed, codePoint] = [1, byte & 0x1f];
      else if (byte >= 0xe0 && byte <= 0xef) {
        // E0 would allow overlong forms, ED would reach the surrogates: narrow the next byte.
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        [needed, codePoint] = [2, byte & 0x0f];
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        [needed, codePoint] = [3, byte & 0x07];
      } else {
        malformed++;
        emit(REPLACEMENT);
      }
      continue;
    }
    if (byte < lower || byte > upper) {
      // The sequence broke off: one replacement, and this byte starts afresh.
      [needed, seen, codePoint, lower, upper] = [0, 0, 0, 0x80, 0xbf];
      malformed++;
      emit(REPLACEMENT);
      i--;
      continue;
    }
    [lower, upper] = [0x80, 0xbf];
    codePoint = (codePoint << 6) | (byte & 0x3f);
    if (++seen === needed) {
      emit(codePoint);
      [needed, seen, codePoint] = [0, 0, 0];
    }
  }
  if (needed > 0) {
    malformed++;
    emit(REPLACEMENT);
  }
  return { text: out + String.fromCharCode.apply(null, units), malformed };
}
