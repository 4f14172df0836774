/** Base64 and UTF-8 decoding without Node or TextDecoder, checked against Node's own. */
import fc from 'fast-check';
import { base64Decode, utf8Decode } from '../../../modules/web_server/text_codecs';

describe('base64Decode', () => {
  it('decodes what Buffer encodes, with or without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const encoded = Buffer.from(bytes).toString('base64');
        expect(Array.from(base64Decode(encoded) as Uint8Array)).toEqual(Array.from(bytes));
        expect(Array.from(base64Decode(encoded.replace(/=+$/, '')) as Uint8Array)).toEqual(Array.from(bytes));
      }),
    );
  });

  it.each(['a', 'ab!c', 'YWJj-A==', 'abc d', '====='])('refuses %j', (text) => {
    expect(base64Decode(text)).toBeUndefined();
  });
});

describe('utf8Decode', () => {
  it('round-trips any string Buffer encodes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (text) => {
        expect(utf8Decode(new Uint8Array(Buffer.from(text, 'utf8')))).toBe(text);
      }),
    );
  });

  it('replaces malformed input exactly as TextDecoder does', () => {
    const decoder = new TextDecoder('utf-8');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(utf8Decode(bytes)).toBe(decoder.decode(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    [[0xc0, 0x80], '\ufffd\ufffd'],
    [[0xed, 0xa0, 0x80], '\ufffd\ufffd\ufffd'],
    [[0xf0, 0x9f, 0x98], '\ufffd'],
    [[0xe2, 0x82, 0xac, 0xff], '€\ufffd'],
  ])('decodes %j as %j', (bytes, text) => {
    expect(utf8Decode(new Uint8Array(bytes))).toBe(text);
  });

  it('handles long input in pieces', () => {
    const text = 'ü'.repeat(10_000) + '😀';
    expect(utf8Decode(new Uint8Array(Buffer.from(text)))).toBe(text);
  });
});
