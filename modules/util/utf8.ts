/**
 * UTF-8 over Uint8Array without TextEncoder/TextDecoder (absent on XS). Lone surrogates become
 * U+FFFD, as TextEncoder does, so every string has exactly one encoding.
 */
export function utf8Encode(text: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text));
  let at = 0;
  forEachCodePoint(text, (cp) => {
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
  });
  return out;
}

/** Bytes `text` takes in UTF-8 (storage quotas count bytes, not UTF-16 units). */
export function utf8Length(text: string): number {
  let length = 0;
  forEachCodePoint(text, (cp) => {
    length += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  });
  return length;
}

function forEachCodePoint(text: string, visit: (codePoint: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        visit(0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00));
        i++;
        continue;
      }
    }
    visit(unit >= 0xd800 && unit <= 0xdfff ? 0xfffd : unit);
  }
}
