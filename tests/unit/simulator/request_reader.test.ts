/**
 * The simulated BMS's request reader: remembering the last request (the Node bench's option) hands
 * on the same results as decoding every frame anew, for repeated, changed and corrupted frames.
 */
import { encodeRequest } from '../../../modules/uart_bms';
import { RequestReader, type ReadResult } from '../../../hosts/mocks/tinybms/request_reader';

function readAll(reader: RequestReader, frames: Uint8Array[]): ReadResult[] {
  const results: ReadResult[] = [];
  frames.forEach((frame, i) => reader.push(frame, i, (result) => results.push(result)));
  return results;
}

describe('RequestReader with the last request remembered', () => {
  const poll = encodeRequest({ kind: 'read_holding_registers', address: 0, count: 56 });
  const other = encodeRequest({ kind: 'read_holding_registers', address: 100, count: 18 });
  const corrupted = poll.slice();
  corrupted[4] ^= 0x01;
  const frames = [poll, poll, other, poll, corrupted, poll, poll.slice(), other];

  it('gives the results and counters of a reader that decodes every frame', () => {
    const plain = new RequestReader();
    const remembering = new RequestReader(undefined, true);
    const expected = readAll(plain, frames);
    expect(readAll(remembering, frames)).toEqual(expected);
    expect(remembering.counters).toEqual(plain.counters);
    expect(expected.map((r) => r.kind)).toEqual(['request', 'request', 'request', 'request', 'rejected', 'request', 'request', 'request']);
    expect(plain.counters.frames).toBe(7);
  });
});
