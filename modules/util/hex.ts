/** Hex helpers over Uint8Array (no Buffer: the core runs on XS). */
export function toHex(bytes: Uint8Array, separator = ''): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && separator) out += separator;
    out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16).toUpperCase();
  }
  return out;
}

/** Parses "AA 03 0A", "aa030a" or "0xAA,0x03"; throws on odd length or non-hex characters. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/0x/gi, '').replace(/[\s,:-]/g, '');
  if (clean.length % 2 !== 0) throw new Error(`hex text has an odd number of digits (${clean.length})`);
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new Error('hex text contains a non-hex character');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}
