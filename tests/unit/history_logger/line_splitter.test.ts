import fc from 'fast-check';
import { LineSplitter, type SplitLine } from '../../../modules/history_logger';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

/** Feeds `text` cut at `cuts` (sorted positions) and collects every line and the final state. */
function split(text: string, cuts: number[], maxLineBytes = 1024, startOffset = 0) {
  const splitter = new LineSplitter(maxLineBytes, startOffset);
  const data = bytes(text);
  const lines: SplitLine[] = [];
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    lines.push(...splitter.push(data.subarray(from, cut)));
    from = cut;
  }
  return { lines, pending: splitter.pendingBytes, resumeAt: splitter.lineStart, peak: splitter.peakBufferedBytes, held: splitter.bufferedBytes };
}

/** What splitting the whole text at once on '\n' says: complete lines and the unfinished rest. */
function reference(text: string) {
  const pieces = text.split('\n');
  const tail = pieces.pop()!;
  return { lines: pieces, tail };
}

const lineChar = fc.constantFrom(...'0123456789.,-:TZNA abc'.split(''));
const fileText = fc.array(fc.oneof({ weight: 8, arbitrary: lineChar }, { weight: 1, arbitrary: fc.constant('\n') }), { maxLength: 400 }).map((chars) => chars.join(''));
const cutsOf = (length: number) => fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 40 }).map((cuts) => cuts.sort((a, b) => a - b));

describe('LineSplitter', () => {
  it('yields the same lines, offsets and torn tail for any chunking', () => {
    fc.assert(
      fc.property(fileText.chain((text) => fc.tuple(fc.constant(text), cutsOf(text.length))), ([text, cuts]) => {
        const whole = reference(text);
        const got = split(text, cuts);
        expect(got.lines.map((l) => l.text)).toEqual(whole.lines);
        // Offsets point at the lines in the file: start..end-1 is the line, end-1 its newline.
        for (const line of got.lines) expect(text.slice(line.start, line.end)).toBe(`${line.text}\n`);
        expect(got.pending).toBe(whole.tail.length);
        expect(got.resumeAt).toBe(text.length - whole.tail.length);
      }),
      { numRuns: 500 },
    );
  });

  it('drops a torn tail that starts exactly at a chunk boundary, and one that straddles it', () => {
    const text = 'header\nline one\nline t';
    const atBoundary = split(text, [16]); // "line t" is the whole second chunk
    expect(atBoundary.lines.map((l) => l.text)).toEqual(['header', 'line one']);
    expect(atBoundary.pending).toBe(6);
    const straddling = split(text, [19]);
    expect(straddling.lines.map((l) => l.text)).toEqual(['header', 'line one']);
    expect(straddling.pending).toBe(6);
    // A chunk that ends right after a newline leaves nothing torn.
    expect(split('a\nb\n', [2])).toMatchObject({ pending: 0, resumeAt: 4 });
  });

  it('rejects a line longer than the limit without holding it, and keeps the lines around it', () => {
    const long = 'x'.repeat(10_000);
    const text = `first\n${long}\nlast\n`;
    const cuts = Array.from({ length: 100 }, (_, i) => 3 + i * 101);
    const got = split(text, cuts, 64);
    expect(got.lines.map((l) => l.text)).toEqual(['first', undefined, 'last']);
    expect(got.lines[1]).toEqual({ text: undefined, start: 6, end: 6 + long.length + 1 });
    expect(got.peak).toBeLessThanOrEqual(64);
    // A line of exactly the limit is kept.
    expect(split(`${'y'.repeat(64)}\n`, [10, 50], 64).lines[0].text).toBe('y'.repeat(64));
    expect(split(`${'y'.repeat(65)}\n`, [10, 50], 64).lines[0].text).toBeUndefined();
  });

  it('counts an over-long unfinished line as torn tail, holding nothing of it', () => {
    const got = split(`ok\n${'z'.repeat(500)}`, [100, 200, 300], 64);
    expect(got.lines.map((l) => l.text)).toEqual(['ok']);
    expect(got.pending).toBe(500);
    expect(got.held).toBe(0);
  });

  it('reports file offsets from where it started and turns non-ASCII bytes into U+FFFD', () => {
    const splitter = new LineSplitter(100, 4096);
    expect(splitter.push(new Uint8Array([0x41, 0xc3, 0xa9, 0x0a]))).toEqual([{ text: 'A\uFFFD\uFFFD', start: 4096, end: 4100 }]);
    expect(() => new LineSplitter(0)).toThrow(RangeError);
    expect(() => new LineSplitter(4097)).toThrow(RangeError);
  });
});
