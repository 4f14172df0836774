/**
 * The platform's UTF-8 encoder. Encoding in JavaScript a character at a time is slow on XS, which
 * keeps strings in UTF-8 and indexes them by code point (charCodeAt(i) costs O(i)); the platform
 * encodes a whole string in one native call. Moddable: ArrayBuffer.fromString; Node: TextEncoder.
 */
export interface TextEncoderPort {
  /** UTF-8 bytes of `text`. */
  encode(text: string): Uint8Array;
}
