/**
 * Bytes in, complete lines out, whatever the chunking: the history files are read a few KB at
 * a time and a line may straddle two reads. Pure and bounded: at most `maxLineBytes` of an
 * unfinished line are kept between chunks; a longer line is dropped as it goes (reported as
 * rejected once its newline comes), never accumulated. The unfinished line left when the input
 * ends is the torn tail of a cut write: it is never returned.
 */

export interface SplitLine {
  /** The line without its '\n'; undefined when it was longer than the limit (its bytes were skipped). */
  text: string | undefined;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past its '\n'. */
  end: number;
}

const NEWLINE = 0x0a;

/** A line becomes one String.fromCharCode call: its bytes are the arguments, so keep them few. */
const MAX_LINE_LIMIT = 4096;

/**
 * History lines are ASCII, so each byte is one character; any other byte becomes U+FFFD and the
 * line then fails the CSV format, as a line with garbage should.
 */
function asciiText(bytes: Uint8Array): string {
  const codes = Array.from(bytes, (byte) => (byte < 0x80 ? byte : 0xfffd));
  // At most maxLineBytes arguments: the splitter never hands over a longer line.
  return String.fromCharCode(...codes);
}

export class LineSplitter {
  readonly maxLineBytes: number;
  #partial: Uint8Array;
  #partialLength = 0;
  /** The unfinished line passed the limit: skip to its newline. */
  #overlong = false;
  #lineStart: number;
  #offset: number;
  #peak = 0;

  /** `startOffset`: the file offset of the first byte pushed (lines report file offsets). */
  constructor(maxLineBytes: number, startOffset = 0) {
    if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1 || maxLineBytes > MAX_LINE_LIMIT) {
      throw new RangeError(`maxLineBytes must be a whole number from 1 to ${MAX_LINE_LIMIT}, got ${maxLineBytes}`);
    }
    this.maxLineBytes = maxLineBytes;
    this.#partial = new Uint8Array(maxLineBytes);
    this.#lineStart = startOffset;
    this.#offset = startOffset;
  }

  /** The complete lines that `chunk` finishes, in order. */
  push(chunk: Uint8Array): SplitLine[] {
    const lines: SplitLine[] = [];
    let from = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline >= 0; newline = chunk.indexOf(NEWLINE, from)) {
      const piece = chunk.subarray(from, newline);
      let text: string | undefined;
      if (this.#overlong || this.#partialLength + piece.length > this.maxLineBytes) text = undefined;
      else if (this.#partialLength === 0) text = asciiText(piece);
      else {
        this.#partial.set(piece, this.#partialLength);
        text = asciiText(this.#partial.subarray(0, this.#partialLength + piece.length));
      }
      const end = this.#offset + newline + 1;
      lines.push({ text, start: this.#lineStart, end });
      this.#lineStart = end;
      this.#partialLength = 0;
      this.#overlong = false;
      from = newline + 1;
    }
    this.#keep(chunk.subarray(from));
    this.#offset += chunk.length;
    return lines;
  }

  /** Offset just past the last complete line: where a later read resumes. */
  get lineStart(): number {
    return this.#lineStart;
  }

  /** Bytes of the unfinished line so far (counted even when skipped); a torn tail once input ends. */
  get pendingBytes(): number {
    return this.#offset - this.#lineStart;
  }

  /** Bytes held for the unfinished line now; never more than maxLineBytes. */
  get bufferedBytes(): number {
    return this.#partialLength;
  }

  /** The most bytes ever held between chunks. */
  get peakBufferedBytes(): number {
    return this.#peak;
  }

  #keep(rest: Uint8Array): void {
    if (this.#overlong || rest.length === 0) return;
    if (this.#partialLength + rest.length > this.maxLineBytes) {
      this.#overlong = true;
      this.#partialLength = 0;
      return;
    }
    this.#partial.set(rest, this.#partialLength);
    this.#partialLength += rest.length;
    this.#peak = Math.max(this.#peak, this.#partialLength);
  }
}
