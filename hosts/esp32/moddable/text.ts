/** The SDK's TextEncoder (modules/data/text/encoder, native): one call per string, CESU-8 pairs joined. */
import TextEncoder from 'text/encoder';
import type { TextEncoderPort } from '../../ports/text';

export function createSdkTextEncoder(): TextEncoderPort {
  const encoder = new TextEncoder();
  return { encode: (text) => encoder.encode(text) };
}
