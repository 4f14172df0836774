/**
 * UTF-8 over Uint8Array. The host's encoder (hosts/ports/text.ts, installed by createGateway) does
 * the work when there is one; the portable fallback walks the string with its iterator, which is
 * linear on XS too (indexing an XS string is not). Lone surrogates become U+FFFD, as
 * TextEncoder does.
 */
import type { TextEncoderPort } from '../../hosts/ports/text';

let platform: TextEncoderPort | undefined;

/** Use the platform's encoder from now on (undefined: back to the portable one). */
export function useTextEncoder(encoder: TextEncoderPort | undefined): void {
  platform = encoder;
}

export function utf8Encode(text: string): Uint8Array {
  if (platform) return platform.encode(text);
  return portableEncode(text);
}

/** Bytes `text` takes in UTF-8 (storage quotas count bytes, not UTF-16 units). */
export function utf8Length(text: string): number {
  let length = 0;
  for (const character of text) {
    const cp = codePoint(character);
    length += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return length;
}

/** One character of a string's iteration: a code point, a surrogate pair, or a lone surrogate (U+FFFD). */
function codePoint(character: string): number {
  const cp = character.codePointAt(0) as number;
  return cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
}

export function portableEncode(text: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text));
  let at = 0;
  for (const character of text) {
    const cp = codePoint(character);
    if (cp < 0x80) out[at++] = cp;
    else if (cp < 0x800) {
      out[at++] = 0xc0 | (cp >> 6);
      out[at++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[at++] = 0xe0 | (cp >> 12);
      out[at++] = 0x80 | ((cp >> 6) & 0x3f);
      out[at++] = 0x80 | (cp & 0x3f);
    } else {
      out[at++] = 0xf0 | (cp >> 18);
      out[at++] = 0x80 | ((cp >> 12) & 0x3f);
      out[at++] = 0x80 | ((cp >> 6) & 0x3f);
      out[at++] = 0x80 | (cp & 0x3f);
    }
  }
  return out;
}
