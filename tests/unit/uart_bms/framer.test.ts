/** Framers: chunking, resynchronisation after garbage, CRC errors, bounded buffer, expectations. */
import fc from 'fast-check';
import { Framer, RequestFramer, ResponseFramer } from '../../../modules/uart_bms/framer';
import { hasValidCrc } from '../../../modules/uart_bms/crc';
import { type FrameLengthRule, requestFrameLength, responseFrameLength } from '../../../modules/uart_bms/frame_rules';
import { encodeRequest } from '../../../modules/uart_bms/requests';
import { encodeResponse } from '../../../modules/uart_bms/responses';
import { fromHex } from '../../../modules/util/hex';
import { ByteSlab } from '../../../hosts/mocks/byte_slab';
import { chunked, concat, requestArb, responseArb } from './arbitraries';

function feed(framer: Framer, chunks: Uint8Array[]) {
  const frames: Uint8Array[] = [];
  let crcErrors = 0;
  let discarded = 0;
  for (const chunk of chunks) {
    const out = framer.push(chunk);
    frames.push(...out.frames);
    crcErrors += out.crcErrors;
    discarded += out.discardedBytes;
  }
  return { frames, crcErrors, discarded };
}

const cuts = fc.array(fc.nat(), { maxLength: 12 });
// Noise rich in start bytes and command codes, so resynchronisation is really exercised.
const noiseByte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constant(0xaa), fc.constantFrom(0x00, 0x01, 0x03, 0x07, 0x09, 0x10, 0x1b, 0x1e));
const garbage = fc.array(noiseByte, { maxLength: 40 }).map((bytes) => new Uint8Array(bytes));

describe('ResponseFramer', () => {
  it('frames a response delivered one byte at a time', () => {
    const frame = fromHex('AA 03 0A 97 40 97 40 97 2C 97 2C 97 2C 3E C7');
    const framer = new ResponseFramer();
    const bytes = [...frame].map((b) => new Uint8Array([b]));
    const { frames, discarded } = feed(framer, bytes);
    expect(frames).toEqual([frame]);
    expect(discarded).toBe(0);
    expect(framer.buffered).toBe(0);
  });

  it('drops garbage before a frame and counts it', () => {
    const framer = new ResponseFramer();
    const out = framer.push(fromHex('00 FF 12 AA 01 0D 91 B5'));
    expect(out.frames).toEqual([fromHex('AA 01 0D 91 B5')]);
    expect(out.discardedBytes).toBe(3);
    expect(framer.stats()).toEqual({ frames: 1, crcErrors: 0, discardedBytes: 3, buffered: 0 });
  });

  it('counts a corrupted frame as a CRC error and still finds the good frame after it', () => {
    const framer = new ResponseFramer();
    const out = framer.push(fromHex('AA 18 97 00 CF CC  AA 18 97 00 CF CB'));
    expect(out.crcErrors).toBe(1);
    expect(out.frames).toEqual([fromHex('AA 18 97 00 CF CB')]);
    expect(out.discardedBytes).toBe(6);
  });

  it('does not let a stray 0xAA announcing a long frame hold back a complete frame behind it', () => {
    const framer = new ResponseFramer();
    // "AA 03 FE" announces a 259-byte frame; the ACK behind it is complete and valid.
    const out = framer.push(fromHex('AA 03 FE 01 02  AA 01 0D 91 B5'));
    expect(out.frames).toEqual([fromHex('AA 01 0D 91 B5')]);
    expect(out.discardedBytes).toBe(5);
  });

  it('waits for a long expected answer even if a valid-looking frame appears inside it', () => {
    const inner = fromHex('AA 01 0D 91 B5');
    const values = [0xaa01, 0x0d91, 0xb500, 1, 2, 3];
    const response = encodeResponse({ kind: 'read_holding_registers', values });
    // The words above put the bytes of a valid ACK inside the payload.
    expect(response.subarray(3, 8)).toEqual(inner);
    const framer = new ResponseFramer();
    framer.expect({ command: 0x03, length: response.length });
    const first = framer.push(response.subarray(0, 10));
    expect(first.frames).toEqual([]);
    const second = framer.push(response.subarray(10));
    expect(second.frames).toEqual([response]);
    expect(framer.stats().discardedBytes).toBe(0);
  });

  it('without that expectation, treats the complete inner frame as the better candidate', () => {
    const response = encodeResponse({ kind: 'read_holding_registers', values: [0xaa01, 0x0d91, 0xb500, 1, 2, 3] });
    const framer = new ResponseFramer();
    expect(framer.push(response.subarray(0, 10)).frames).toEqual([fromHex('AA 01 0D 91 B5')]);
  });

  it('refuses PL values no frame has (reserved bit 6, multi-packet bit 7, odd sizes) and moves on', () => {
    const framer = new ResponseFramer();
    const out = framer.push(fromHex('AA 07 43  AA 07 81  AA 03 05  AA 1E 05 02 01 01 F2 00 58 C4'));
    expect(out.frames).toEqual([fromHex('AA 1E 05 02 01 01 F2 00 58 C4')]);
    expect(out.crcErrors).toBe(0);
    expect(out.discardedBytes).toBe(9);
  });

  it('reset() drops a partial frame and counts it', () => {
    const framer = new ResponseFramer();
    framer.push(fromHex('AA 03 0A 97 40'));
    expect(framer.buffered).toBe(5);
    expect(framer.reset()).toBe(5);
    expect(framer.stats()).toMatchObject({ buffered: 0, discardedBytes: 5 });
  });

  it('takes a chunk that is exactly one frame as that frame, a copy the caller may keep (the one-read-per-answer path)', () => {
    const framer = new ResponseFramer();
    const chunk = fromHex('AA 03 0A 97 40 97 40 97 2C 97 2C 97 2C 3E C7');
    const out = framer.push(chunk);
    expect(out).toEqual({ frames: [fromHex('AA 03 0A 97 40 97 40 97 2C 97 2C 97 2C 3E C7')], crcErrors: 0, discardedBytes: 0 });
    chunk[3] = 0;
    expect(out.frames[0][3]).toBe(0x97);
    expect(framer.stats()).toEqual({ frames: 1, crcErrors: 0, discardedBytes: 0, buffered: 0 });
    // The same bytes with a broken CRC, and after a buffered partial frame, take the full scan.
    expect(framer.push(fromHex('AA 03 0A 97 40 97 40 97 2C 97 2C 97 2C 3E C8'))).toMatchObject({ frames: [], crcErrors: 1 });
    expect(framer.stats().buffered).toBe(0);
    framer.push(fromHex('AA 03'));
    const behind = framer.push(fromHex('AA 18 97 00 CF CB'));
    expect(behind.frames).toEqual([fromHex('AA 18 97 00 CF CB')]);
    expect(behind.discardedBytes).toBe(2);
  });

  it('makes its copies with the copyOf option when given (both paths): the same frames, each kept unchanged while more bytes arrive', () => {
    fc.assert(
      fc.property(fc.array(responseArb.map(encodeResponse), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (frames, cuts) => {
        const slab = new ByteSlab(256);
        const copied: Uint8Array[] = [];
        const framer = new ResponseFramer({ copyOf: (bytes) => (copied.push(slab.copy(bytes)), copied[copied.length - 1]) });
        const plain = new ResponseFramer();
        const got: Uint8Array[] = [];
        const expected: Uint8Array[] = [];
        // Whole frames (the one-read path) and the same bytes in pieces (the scan).
        for (const chunk of [...frames, ...chunked(concat(...frames), cuts)]) {
          const input = chunk.slice();
          got.push(...framer.push(input).frames);
          expected.push(...plain.push(chunk).frames);
          input.fill(0); // the caller's chunk reused: the frames must not change
        }
        expect(got).toEqual(expected);
        expect(got).toEqual(copied);
        expect(got).toEqual([...frames, ...frames]);
      }),
    );
  });

  it('a whole chunk gives the same frames, counts and buffer as the same bytes split in two (frames and buffer alone when garbage was held from before)', () => {
    fc.assert(
      fc.property(garbage, responseArb.map(encodeResponse), garbage, fc.nat(), (before, frame, after, cut) => {
        const whole = new ResponseFramer();
        const split = new ResponseFramer();
        whole.push(before);
        split.push(before);
        const heldBefore = whole.buffered > 0;
        const chunk = concat(frame, after);
        const at = 1 + (cut % Math.max(1, chunk.length - 1));
        const a = feed(whole, [chunk]);
        const b = feed(split, [chunk.subarray(0, at), chunk.subarray(at)]);
        const a2 = feed(whole, [frame]);
        const b2 = feed(split, [frame.subarray(0, 1), frame.subarray(1)]);
        if (heldBefore) {
          // Garbage held from before is judged on what has arrived: with every byte at once an
          // incomplete-looking candidate may be complete and count a CRC error, where the split
          // bytes show a valid frame behind it first and drop it silently. Frames and buffer agree.
          expect([a.frames, a2.frames, whole.buffered]).toEqual([b.frames, b2.frames, split.buffered]);
        } else {
          expect([a, a2, whole.stats()]).toEqual([b, b2, split.stats()]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('judges garbage held from before on the bytes that have arrived (the property above found this case)', () => {
    const frame = Uint8Array.from([170, 31, 7, 0, 0, 0, 0, 0, 0, 0, 155, 115]);
    const chunk = concat(frame, Uint8Array.from([170, 0, 0, 0, 170, 0]));
    const whole = new ResponseFramer();
    const split = new ResponseFramer();
    whole.push(Uint8Array.from([170, 9, 16]));
    split.push(Uint8Array.from([170, 9, 16]));
    const a = feed(whole, [chunk]);
    const b = feed(split, [chunk.subarray(0, 12), chunk.subarray(12)]);
    // All bytes at once: the held candidate is long enough to check and fails its CRC. Frame first:
    // a valid frame sits behind the incomplete candidate, which is dropped without a CRC check.
    expect([a.crcErrors, b.crcErrors]).toEqual([1, 0]);
    expect(a.frames).toEqual([frame]);
    expect(b.frames).toEqual([frame]);
    expect([a.discarded, whole.buffered]).toEqual([b.discarded, split.buffered]);
  });

  it('keeps its buffer bounded whatever arrives', () => {
    const framer = new ResponseFramer({ capacity: 600 });
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 5 }), (chunks) => {
        for (const chunk of chunks) {
          framer.push(chunk);
          expect(framer.buffered).toBeLessThanOrEqual(framer.capacity);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('framer properties (both directions)', () => {
  const cases = [
    { name: 'responses', make: () => new ResponseFramer(), frame: responseArb.map(encodeResponse), rule: responseFrameLength },
    { name: 'requests', make: () => new RequestFramer(), frame: requestArb.map(encodeRequest), rule: requestFrameLength },
  ];

  /**
   * Whether the noise itself holds a frame a CRC cannot tell from a real one: a start byte whose
   * header announces a length that ends on a matching CRC (1 in 65536 per candidate). No framer
   * can refuse such a frame, so those draws say nothing about resynchronisation and are skipped.
   */
  function coincidentalFrame(bytes: Uint8Array, validStart: number, validEnd: number, rule: FrameLengthRule): boolean {
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0xaa || (i >= validStart && i < validEnd)) continue;
      const found = rule(bytes, i, bytes.length);
      if (found.kind === 'length' && i + found.length <= bytes.length && hasValidCrc(bytes, i, found.length)) return true;
    }
    return false;
  }

  it.each(cases)('$name: random bytes in random chunks never throw and every byte is accounted for', ({ make }) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cuts, (bytes, at) => {
        const framer = make();
        const { frames, discarded } = feed(framer, chunked(bytes, at));
        for (const frame of frames) expect(hasValidCrc(frame)).toBe(true);
        const framed = frames.reduce((n, f) => n + f.length, 0);
        expect(framed + discarded + framer.buffered).toBe(bytes.length);
      }),
      { numRuns: 500 },
    );
  });

  it.each(cases)('$name: garbage + valid frame + garbage → exactly that frame', ({ make, frame, rule }) => {
    fc.assert(
      fc.property(garbage, frame, garbage, cuts, (before, valid, after, at) => {
        const bytes = concat(before, valid, after);
        fc.pre(!coincidentalFrame(bytes, before.length, before.length + valid.length, rule));
        const framer = make();
        const { frames } = feed(framer, chunked(bytes, at));
        expect(frames).toEqual([valid]);
      }),
      { numRuns: 500 },
    );
  });

  it.each(cases)('$name: a stream of valid frames in random chunks comes out whole and in order', ({ make, frame }) => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 8 }), cuts, (valid, at) => {
        const framer = make();
        const { frames, crcErrors, discarded } = feed(framer, chunked(concat(...valid), at));
        expect(frames).toEqual(valid);
        expect(crcErrors + discarded + framer.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
