/**
 * The streaming multipart parser: same parts whatever the chunking (fast-check), data that looks
 * like a boundary, preamble/epilogue, truncation at every cut, and each malformed input refused
 * with its code. The parser never keeps more than one part's header block between chunks.
 */
import fc from 'fast-check';
import { MultipartParser, multipartBoundary, type MultipartSink, type PartHeaders } from '../../../modules/ota_update/multipart';
import { OtaError } from '../../../modules/ota_update/ota_error';
import { BOUNDARY, concat, multipartBody, type Part } from './support/upload_fixtures';

interface ParsedPart {
  headers: PartHeaders;
  data: Uint8Array;
  ended: boolean;
}

/** A sink that copies every part's data (the views are only valid during the call). */
function collector(): MultipartSink & { parts: ParsedPart[] } {
  const parts: ParsedPart[] = [];
  const pieces: Uint8Array[][] = [];
  return {
    parts,
    partStart(headers) {
      parts.push({ headers, data: new Uint8Array(0), ended: false });
      pieces.push([]);
    },
    partData(bytes) {
      pieces[pieces.length - 1].push(bytes.slice());
    },
    partEnd() {
      const part = parts[parts.length - 1];
      part.data = concat(pieces[pieces.length - 1]);
      part.ended = true;
    },
  };
}

function parse(body: Uint8Array, cuts: number[] = [], boundary = BOUNDARY) {
  const sink = collector();
  const parser = new MultipartParser(boundary, sink);
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.push(body.subarray(at, cut));
    at = cut;
  }
  parser.push(body.subarray(at));
  parser.finish();
  return { parts: sink.parts, parser };
}

function codeOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (error instanceof OtaError) return error.code;
    throw error;
  }
  return 'no error';
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('multipartBoundary', () => {
  it('reads plain and quoted boundaries, case-insensitively', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary('Multipart/Form-Data; charset=x; BOUNDARY="a b:c"')).toBe('a b:c');
  });

  it.each([
    ['application/octet-stream', 'not_multipart'],
    ['', 'not_multipart'],
    ['multipart/form-data', 'not_multipart'],
    ['multipart/form-data; boundary=', 'not_multipart'],
    ['multipart/form-data; boundary="bad\rbound"', 'not_multipart'],
    [`multipart/form-data; boundary=${'x'.repeat(71)}`, 'not_multipart'],
  ])('refuses %j', (header, code) => {
    expect(codeOf(() => multipartBoundary(header))).toBe(code);
  });
});

describe('MultipartParser', () => {
  const firmware = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);

  it('yields each part with its headers and exact data', () => {
    const body = multipartBody([
      { name: 'firmware', data: firmware, filename: 'fw.bin' },
      { name: 'signature', data: ascii('sig') },
    ]);
    const { parts } = parse(body);
    expect(parts.map((p) => p.headers)).toEqual([
      { name: 'firmware', filename: 'fw.bin', contentType: 'application/octet-stream' },
      { name: 'signature', contentType: 'application/octet-stream' },
    ]);
    expect(parts[0].data).toEqual(firmware);
    expect(parts[1].data).toEqual(ascii('sig'));
    expect(parts.every((p) => p.ended)).toBe(true);
  });

  it('ignores a preamble and an epilogue, and accepts padding after a boundary', () => {
    const body = multipartBody([{ name: 'a', data: ascii('one') }], { preamble: 'This is a preamble\r\n--not-it', epilogue: `\r\n--${BOUNDARY}\r\ngarbage` });
    expect(parse(body).parts.map((p) => p.data)).toEqual([ascii('one')]);
    const padded = ascii(`--${BOUNDARY}  \r\nContent-Disposition: form-data; name="p"\r\n\r\nx\r\n--${BOUNDARY}--`);
    expect(parse(padded).parts[0].data).toEqual(ascii('x'));
  });

  it('keeps data that only resembles the delimiter, split anywhere', () => {
    const tricky = ascii(`\r\n--${BOUNDARY.slice(0, -1)}X\r\n-\r\r\n--\r\n--${BOUNDARY.slice(0, 10)}`);
    const body = multipartBody([{ name: 'firmware', data: tricky }]);
    for (let cut = 0; cut <= body.length; cut++) expect(parse(body, [cut]).parts[0].data).toEqual(tricky);
  });

  it('handles empty parts and quoted names with escapes', () => {
    const body = ascii(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="we\\"ird"\r\n\r\n\r\n--${BOUNDARY}--`);
    const { parts } = parse(body);
    expect(parts[0].headers.name).toBe('we"ird');
    expect(parts[0].data.length).toBe(0);
  });

  it('gives the same parts for any chunking of any content (property)', () => {
    const partArb = fc.record({
      name: fc.constantFrom('firmware', 'signature', 'x'),
      // Bytes biased towards the delimiter's own characters.
      data: fc.array(fc.oneof(fc.constantFrom(13, 10, 45, ...ascii(BOUNDARY.slice(-6))), fc.integer({ min: 0, max: 255 })), { maxLength: 400 }).map((a) => Uint8Array.from(a)),
    });
    fc.assert(
      fc.property(fc.array(partArb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 30 }), (parts: Part[], rawCuts) => {
        const body = multipartBody(parts);
        const cuts = rawCuts.map((c) => c % (body.length + 1));
        const parsed = parse(body, cuts);
        expect(parsed.parts.map((p) => [p.headers.name, Array.from(p.data)])).toEqual(parts.map((p) => [p.name, Array.from(p.data)]));
        // Nothing but a header block is ever kept between chunks.
        expect(parsed.parser.highWaterBytes).toBeLessThanOrEqual(120);
      }),
      { numRuns: 300 },
    );
  });

  it('hands image data on as views of the input chunks without gathering it', () => {
    const image = new Uint8Array(256 * 1024).fill(0x5a);
    const body = multipartBody([{ name: 'firmware', data: image }]);
    let largest = 0;
    let total = 0;
    const parser = new MultipartParser(BOUNDARY, {
      partStart() {},
      partData(bytes) {
        largest = Math.max(largest, bytes.length);
        total += bytes.length;
      },
      partEnd() {},
    });
    for (let at = 0; at < body.length; at += 4096) parser.push(body.subarray(at, at + 4096));
    parser.finish();
    expect(total).toBe(image.length);
    expect(largest).toBeLessThanOrEqual(4096);
    expect(parser.highWaterBytes).toBeLessThan(200);
  });

  it('reports a truncated body wherever it is cut before the closing boundary (property)', () => {
    const body = multipartBody([
      { name: 'firmware', data: firmware },
      { name: 'signature', data: ascii('s'.repeat(40)) },
    ]);
    const closeAt = body.length - `--${BOUNDARY}--\r\n`.length + `--${BOUNDARY}--`.length;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: closeAt - 1 }), (cut) => {
        const parser = new MultipartParser(BOUNDARY, collector());
        parser.push(body.subarray(0, cut));
        expect(parser.complete).toBe(false);
        expect(codeOf(() => parser.finish())).toBe('truncated_upload');
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['garbage after a boundary', `--${BOUNDARY}X\r\n`],
    ['a bare LF after a boundary line', `--${BOUNDARY}\r\r`],
    ['a part without Content-Disposition', `--${BOUNDARY}\r\nContent-Type: x\r\n\r\ndata\r\n--${BOUNDARY}--`],
    ['a part without a name', `--${BOUNDARY}\r\nContent-Disposition: form-data; filename="a"\r\n\r\nd\r\n--${BOUNDARY}--`],
    ['a header line without a colon', `--${BOUNDARY}\r\nnonsense\r\n\r\nd\r\n--${BOUNDARY}--`],
    ['a non-form-data disposition', `--${BOUNDARY}\r\nContent-Disposition: attachment; name="a"\r\n\r\nd\r\n--${BOUNDARY}--`],
    ['a single dash closing', `--${BOUNDARY}-x`],
  ])('refuses %s as malformed_multipart', (_what, text) => {
    expect(codeOf(() => new MultipartParser(BOUNDARY, collector()).push(ascii(text)))).toBe('malformed_multipart');
  });

  it('refuses a header block over its limit without growing past it', () => {
    const parser = new MultipartParser(BOUNDARY, collector(), { maxHeaderBytes: 256 });
    const body = ascii(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${'n'.repeat(400)}"\r\n\r\n`);
    expect(codeOf(() => parser.push(body))).toBe('malformed_multipart');
    expect(parser.highWaterBytes).toBe(256);
  });

  it('refuses more parts than allowed', () => {
    const parts = Array.from({ length: 4 }, (_, i) => ({ name: `p${i}`, data: ascii('x') }));
    const parser = new MultipartParser(BOUNDARY, collector(), { maxParts: 3 });
    expect(codeOf(() => parser.push(multipartBody(parts)))).toBe('malformed_multipart');
  });

  it('refuses an invalid boundary at construction', () => {
    expect(codeOf(() => new MultipartParser('has\r\nCRLF', collector()))).toBe('not_multipart');
  });
});
