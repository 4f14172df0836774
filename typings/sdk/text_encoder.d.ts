/** $(MODDABLE)/modules/data/text/encoder (manifest.json there): TextEncoder as a module, native encode. */
declare module 'text/encoder' {
  export default class TextEncoder {
    /** UTF-8 bytes; XS's surrogate pairs become 4-byte sequences (a lone surrogate stays as its 3 bytes). */
    encode(text: string): Uint8Array;
    encodeInto(text: string, buffer: Uint8Array): { read: number; written: number };
  }
}
