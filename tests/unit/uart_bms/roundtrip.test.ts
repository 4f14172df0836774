/** encode → decode round-trips for every request and response kind; decoders are total on random bytes. */
import fc from 'fast-check';
import { decodeRequest, encodeRequest, requestCommand } from '../../../modules/uart_bms/requests';
import { decodeFramedResponse, decodeResponse, encodeResponse, respondedCommand } from '../../../modules/uart_bms/responses';
import { ResponseFramer } from '../../../modules/uart_bms/framer';
import { FrameEncodeError } from '../../../modules/uart_bms/frame';
import { requestFrameLength, responseFrameLength } from '../../../modules/uart_bms/frame_rules';
import { hasValidCrc } from '../../../modules/uart_bms/crc';
import { normalized, requestArb, responseArb } from './arbitraries';

describe('round trips', () => {
  it('every request decodes to itself, with a valid CRC and the length its header announces', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const frame = encodeRequest(request);
        expect(hasValidCrc(frame)).toBe(true);
        expect(frame[1]).toBe(requestCommand(request));
        expect(requestFrameLength(frame, 0, frame.length)).toEqual({ kind: 'length', length: frame.length });
        expect(decodeRequest(frame)).toEqual({ ok: true, value: request });
      }),
      { numRuns: 500 },
    );
  });

  it('every response decodes to itself (floats as the same float32) and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(responseArb, (response) => {
        const frame = encodeResponse(response);
        expect(responseFrameLength(frame, 0, frame.length)).toEqual({ kind: 'length', length: frame.length });
        const decoded = decodeResponse(frame);
        expect(decoded).toEqual({ ok: true, value: normalized(response) });
        if (decoded.ok) {
          expect(encodeResponse(decoded.value)).toEqual(frame);
          expect(respondedCommand(decoded.value)).toBe(respondedCommand(response));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('decodeFramedResponse (the link skips the checks the framer made)', () => {
  it('decodes every frame the ResponseFramer delivers exactly as decodeResponse does', () => {
    fc.assert(
      fc.property(responseArb, (response) => {
        const frame = encodeResponse(response);
        const framed = new ResponseFramer().push(frame).frames;
        expect(framed).toHaveLength(1);
        expect(decodeFramedResponse(framed[0])).toEqual(decodeResponse(frame));
      }),
      { numRuns: 500 },
    );
  });
});

describe('decoders on arbitrary bytes', () => {
  it('never throw and either decode or give a coded reason', () => {
    const codes = ['empty', 'bad_start_byte', 'unknown_command', 'truncated', 'length_mismatch', 'bad_crc', 'malformed'];
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 40 }).map((b) => new Uint8Array([0xaa, ...b])));
    fc.assert(
      fc.property(bytes, (frame) => {
        for (const result of [decodeRequest(frame), decodeResponse(frame)]) {
          if (!result.ok) {
            expect(codes).toContain(result.error.code);
            expect(result.error.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a valid frame with any single byte flipped is refused (CRC-16 catches every single-byte error)', () => {
    fc.assert(
      fc.property(responseArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (response, at, flip) => {
        const frame = encodeResponse(response).slice();
        frame[at % frame.length] ^= flip;
        expect(decodeResponse(frame).ok).toBe(false);
      }),
    );
  });
});

describe('encoders refuse what no frame can carry', () => {
  it.each([
    () => encodeRequest({ kind: 'read_holding_registers', address: 0, count: 128 }),
    () => encodeRequest({ kind: 'read_holding_registers', address: 0x10000, count: 1 }),
    () => encodeRequest({ kind: 'read_register_block', address: 0, count: 32 }),
    () => encodeRequest({ kind: 'read_individual_registers', addresses: [] }),
    () => encodeRequest({ kind: 'read_individual_registers', addresses: Array.from({ length: 16 }, (_, i) => i) }),
    () => encodeRequest({ kind: 'write_multiple_registers', address: 300, values: [70000] }),
    () => encodeRequest({ kind: 'write_multiple_registers', address: 300, values: new Array(101).fill(1) }),
    () => encodeRequest({ kind: 'write_individual_registers', writes: [{ address: 300, value: 1.5 }] }),
    () => encodeRequest({ kind: 'control', option: 'format_disk' } as never),
    () => encodeRequest({ kind: 'read_everything' } as never),
    () => encodeResponse({ kind: 'ack', command: 0x13 }),
    () => encodeResponse({ kind: 'read_pack_voltage', volts: Number.NaN }),
    () => encodeResponse({ kind: 'read_temperatures', internal: 40000, external1: 0, external2: 0 }),
    () => encodeResponse({ kind: 'read_all_events', bmsTimeS: 0, events: [{ timestampS: 0x1000000, id: 1 }] }),
  ])('case %#', (encode) => {
    expect(encode).toThrow(FrameEncodeError);
  });
});
