/**
 * Streaming multipart/form-data parser (RFC 7578 over RFC 2046 §5.1.1): bytes in, part events
 * out, any chunking. Part data is handed on as views of the input chunk, never gathered, so a
 * firmware image flows through without being held. Between chunks the parser keeps only how
 * many bytes of a possible delimiter it has seen (their content is the delimiter's own prefix)
 * and a part's header block (capped).
 */
import { OtaError } from './ota_error';

export interface PartHeaders {
  /** The form field name from Content-Disposition. */
  name: string;
  filename?: string;
  contentType?: string;
}

/** Receives a part's events in order; `partData` views are valid only during the call. */
export interface MultipartSink {
  partStart(headers: PartHeaders): void;
  partData(bytes: Uint8Array): void;
  partEnd(): void;
}

const CR = 13;
const LF = 10;
const DASH = 45;
// RFC 2046 bchars: no CR, so a delimiter can only start at a CR and never overlaps itself.
// RegExps are made per call, never at module load: this module is preloaded on Moddable, and a
// RegExp built during preload lives in the read-only image (mcsim segfaulted in its exec; docs/moddable.md).
const BOUNDARY_PATTERN = (): RegExp => /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

const enum State {
  Preamble,
  AfterDelimiter,
  AfterDash,
  ExpectLf,
  Headers,
  Body,
  Epilogue,
}

export interface MultipartParserOptions {
  /** Largest header block of one part (default 1024 bytes). */
  maxHeaderBytes?: number;
  /** Most parts in one body (default 8). */
  maxParts?: number;
}

/** The boundary from a `multipart/form-data; boundary=...` Content-Type, or an OtaError. */
export function multipartBoundary(contentType: string): string {
  const [type, ...parameters] = contentType.split(';');
  if (type.trim().toLowerCase() !== 'multipart/form-data') {
    throw new OtaError('not_multipart', `send the upload as multipart/form-data, not "${type.trim() || 'no content type'}"`);
  }
  for (const parameter of parameters) {
    const equalsAt = parameter.indexOf('=');
    if (equalsAt < 0 || parameter.slice(0, equalsAt).trim().toLowerCase() !== 'boundary') continue;
    let value = parameter.slice(equalsAt + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!BOUNDARY_PATTERN().test(value)) throw new OtaError('not_multipart', 'the multipart boundary is missing characters or has invalid ones');
    return value;
  }
  throw new OtaError('not_multipart', 'the multipart Content-Type has no boundary parameter');
}

function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
  return out;
}

/** One parameter of a header value (`name="x"` or `name=x`), backslash escapes undone. */
function headerParameter(value: string, wanted: string): string | undefined {
  const pattern = new RegExp(`;\\s*${wanted}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const match = pattern.exec(value);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

function parseHeaders(block: string): PartHeaders {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    const colonAt = line.indexOf(':');
    if (colonAt <= 0) throw new OtaError('malformed_multipart', `a part header line has no name: "${line.slice(0, 40)}"`);
    const name = line.slice(0, colonAt).trim().toLowerCase();
    const value = line.slice(colonAt + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) throw new OtaError('malformed_multipart', 'a part has no Content-Disposition: form-data header');
  const name = headerParameter(disposition, 'name');
  if (!name) throw new OtaError('malformed_multipart', 'a part has no field name');
  const headers: PartHeaders = { name };
  const filename = headerParameter(disposition, 'filename');
  if (filename !== undefined) headers.filename = filename;
  if (contentType !== undefined) headers.contentType = contentType;
  return headers;
}

export class MultipartParser {
  #sink: MultipartSink;
  /** CRLF "--" boundary: what ends a part's data. */
  #delimiter: Uint8Array;
  #state = State.Preamble;
  /** Bytes of the delimiter matched at the end of what came so far (they are `#delimiter[0..n)`). */
  #matched = 2; // The body may open with the first boundary line directly: act as if a CRLF came first.
  #header: Uint8Array;
  #headerLength = 0;
  #parts = 0;
  #maxParts: number;
  #inPart = false;
  #highWater = 0;

  constructor(boundary: string, sink: MultipartSink, options: MultipartParserOptions = {}) {
    if (!BOUNDARY_PATTERN().test(boundary)) throw new OtaError('not_multipart', 'invalid multipart boundary');
    this.#sink = sink;
    this.#delimiter = asciiBytes(`\r\n--${boundary}`);
    this.#header = new Uint8Array(options.maxHeaderBytes ?? 1024);
    this.#maxParts = options.maxParts ?? 8;
  }

  /** Most bytes of input the parser ever kept between chunks (a header block; delimiter bytes are not copied). */
  get highWaterBytes(): number {
    return this.#highWater;
  }

  get complete(): boolean {
    return this.#state === State.Epilogue;
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.#state) {
        case State.Preamble:
        case State.Body:
          at = this.#scan(chunk, at);
          break;
        case State.AfterDelimiter:
          at = this.#afterDelimiter(chunk[at], at);
          break;
        case State.AfterDash:
          if (chunk[at++] !== DASH) throw new OtaError('malformed_multipart', 'a boundary line is followed by garbage');
          this.#state = State.Epilogue;
          break;
        case State.ExpectLf:
          if (chunk[at++] !== LF) throw new OtaError('malformed_multipart', 'a boundary line does not end with CRLF');
          this.#startHeaders();
          break;
        case State.Headers:
          at = this.#headerBytes(chunk, at);
          break;
        case State.Epilogue:
          return; // RFC 2046: the epilogue is ignored.
      }
    }
  }

  /** The body ended: throws unless the closing boundary came. */
  finish(): void {
    if (this.#state !== State.Epilogue) throw new OtaError('truncated_upload', 'the upload ended before the closing multipart boundary (truncated?)');
  }

  /** Looks for the delimiter from `from`; hands the data before it on. Returns where scanning stopped. */
  #scan(chunk: Uint8Array, from: number): number {
    const delimiter = this.#delimiter;
    if (this.#matched > 0) {
      // Continue a delimiter begun in an earlier chunk.
      let k = 0;
      while (this.#matched + k < delimiter.length && k < chunk.length - from && chunk[from + k] === delimiter[this.#matched + k]) k++;
      if (this.#matched + k === delimiter.length) return this.#delimiterFound(from + k);
      if (from + k === chunk.length) {
        this.#matched += k;
        return chunk.length;
      }
      // Not a delimiter after all: the held bytes were data (the delimiter holds CR only at 0, so none of them starts another).
      this.#data(delimiter.subarray(0, this.#matched));
      this.#matched = 0;
    }
    let searchFrom = from;
    for (;;) {
      const candidate = chunk.indexOf(CR, searchFrom);
      if (candidate < 0) {
        this.#data(chunk.subarray(from));
        return chunk.length;
      }
      const available = Math.min(delimiter.length, chunk.length - candidate);
      let k = 1;
      while (k < available && chunk[candidate + k] === delimiter[k]) k++;
      if (k === available) {
        this.#data(chunk.subarray(from, candidate));
        if (available === delimiter.length) return this.#delimiterFound(candidate + available);
        this.#matched = available; // A delimiter may go on in the next chunk.
        return chunk.length;
      }
      searchFrom = candidate + 1;
    }
  }

  #data(bytes: Uint8Array): void {
    if (this.#state === State.Body && bytes.length > 0) this.#sink.partData(bytes);
  }

  #delimiterFound(next: number): number {
    this.#matched = 0;
    if (this.#inPart) {
      this.#inPart = false;
      this.#sink.partEnd();
    }
    this.#state = State.AfterDelimiter;
    return next;
  }

  #afterDelimiter(byte: number, at: number): number {
    if (byte === DASH) this.#state = State.AfterDash;
    else if (byte === CR) this.#state = State.ExpectLf;
    else if (byte !== 32 && byte !== 9) throw new OtaError('malformed_multipart', 'a boundary line is followed by garbage'); // transport padding is allowed
    return at + 1;
  }

  #startHeaders(): void {
    if (++this.#parts > this.#maxParts) throw new OtaError('malformed_multipart', `more than ${this.#maxParts} parts in one upload`);
    this.#headerLength = 0;
    this.#state = State.Headers;
  }

  /** Gathers the header block up to the empty line that ends it. */
  #headerBytes(chunk: Uint8Array, from: number): number {
    let at = from;
    while (at < chunk.length) {
      if (this.#headerLength === this.#header.length) throw new OtaError('malformed_multipart', `a part's headers exceed ${this.#header.length} bytes`);
      const byte = chunk[at++];
      this.#header[this.#headerLength++] = byte;
      if (this.#headerLength > this.#highWater) this.#highWater = this.#headerLength;
      if (byte === LF && this.#headerEnded()) {
        const headers = parseHeaders(latin1(this.#header.subarray(0, this.#headerLength)));
        this.#state = State.Body;
        this.#inPart = true;
        this.#sink.partStart(headers);
        return at;
      }
    }
    return at;
  }

  /** The block is a lone CRLF (no headers) or ends with an empty line. */
  #headerEnded(): boolean {
    const h = this.#header;
    const n = this.#headerLength;
    if (n === 2) return h[0] === CR;
    return n >= 4 && h[n - 4] === CR && h[n - 3] === LF && h[n - 2] === CR;
  }
}
