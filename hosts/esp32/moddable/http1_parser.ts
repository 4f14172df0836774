/**
 * HTTP/1.1 request parsing for the Moddable hosts' server (RFC 9112), kept free of SDK calls so it
 * runs, and is tested, on Node and in bare XS: the request head fed in pieces as the socket
 * delivers them, with limits (a device has a few KB to spare), and the request body's framing —
 * Content-Length or chunked — decoded incrementally.
 */

export interface HttpLimits {
  /** Request line, bytes (414 above). */
  maxRequestLine: number;
  /** Whole head, request line included, bytes (431 above). */
  maxHeadBytes: number;
  /** Header fields (431 above). */
  maxHeaders: number;
}

export const DEFAULT_LIMITS: HttpLimits = Object.freeze({ maxRequestLine: 2048, maxHeadBytes: 8192, maxHeaders: 40 });

export interface ParsedHead {
  method: string;
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: number;
  /** Lower-case names; repeated fields joined with ", ". */
  headers: Record<string, string>;
}

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const CR = 13;
const LF = 10;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Bytes → string for a head known to be ASCII/Latin-1 (no multi-byte decoding needed for framing). */
function latin1(bytes: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let at = from; at < to; at += 1024) out += String.fromCharCode.apply(null, Array.from(bytes.subarray(at, Math.min(to, at + 1024))));
  return out;
}

/**
 * Collects a request head until the blank line. `push` returns the bytes after the head once it
 * is complete (the start of the body or of a pipelined request), or undefined while incomplete;
 * throws HttpError for anything malformed or over a limit.
 */
export class HeadParser {
  #limits: HttpLimits;
  #buffer = new Uint8Array(512);
  #length = 0;
  head: ParsedHead | undefined;

  constructor(limits: HttpLimits = DEFAULT_LIMITS) {
    this.#limits = limits;
  }

  push(bytes: Uint8Array): Uint8Array | undefined {
    const start = this.#length;
    // Never hold more than one byte past the limit: that byte is what proves the head too large.
    this.#append(bytes.subarray(0, Math.max(0, this.#limits.maxHeadBytes + 1 - start)));
    const buffer = this.#buffer;
    // The head ends at CRLF CRLF, or LF LF, which RFC 9112 §2.2 lets a server accept.
    for (let at = Math.max(1, start); at < this.#length; at++) {
      if (buffer[at] !== LF) continue;
      if (buffer[at - 1] === LF || (buffer[at - 1] === CR && at >= 2 && buffer[at - 2] === LF)) {
        this.#length = at + 1;
        this.head = this.#parse();
        return bytes.subarray(at + 1 - start);
      }
    }
    if (!this.#buffer.subarray(0, this.#length).includes(LF) && this.#length > this.#limits.maxRequestLine) throw new HttpError(414, 'request line too long');
    if (this.#length > this.#limits.maxHeadBytes) throw new HttpError(431, 'request head too large');
    return undefined;
  }

  #append(bytes: Uint8Array): void {
    if (this.#length + bytes.length > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + bytes.length));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  #parse(): ParsedHead {
    const bytes = this.#buffer;
    for (let i = 0; i < this.#length; i++) {
      const byte = bytes[i];
      if (byte === 0 || byte >= 0x80) throw new HttpError(400, 'request head holds a byte that is not ASCII');
    }
    // Leading empty lines before a request line are ignored (RFC 9112 §2.2).
    const lines = latin1(bytes, 0, this.#length).split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
    while (lines.length && lines[0] === '') lines.shift();
    const requestLine = lines.shift() ?? '';
    if (requestLine.length > this.#limits.maxRequestLine) throw new HttpError(414, 'request line too long');
    const match = /^([^ ]+) ([^ ]+) HTTP\/1\.([01])$/.exec(requestLine);
    if (!match) {
      if (/^[^ ]+ [^ ]+ HTTP\/\d\.\d$/.test(requestLine)) throw new HttpError(505, 'only HTTP/1.0 and HTTP/1.1 are served');
      throw new HttpError(400, 'malformed request line');
    }
    const [, method, target, minor] = match;
    if (!TOKEN.test(method)) throw new HttpError(400, 'malformed method');
    if (!target.startsWith('/') && !(method === 'OPTIONS' && target === '*')) throw new HttpError(400, 'only origin-form request targets are served');
    const headers: Record<string, string> = {};
    let count = 0;
    for (const line of lines) {
      if (line === '') continue;
      if (++count > this.#limits.maxHeaders) throw new HttpError(431, 'too many header fields');
      const colon = line.indexOf(':');
      if (colon <= 0) throw new HttpError(400, 'malformed header field');
      const name = line.slice(0, colon);
      // No whitespace before the colon, no obsolete line folding (RFC 9112 §5.1, §5.2).
      if (!TOKEN.test(name)) throw new HttpError(400, 'malformed header field name');
      const value = line.slice(colon + 1).trim();
      const lower = name.toLowerCase();
      headers[lower] = lower in headers ? `${headers[lower]}, ${value}` : value;
    }
    if (minor === '1' && !('host' in headers)) throw new HttpError(400, 'HTTP/1.1 request without Host');
    return { method: method.toUpperCase(), target, minor: Number(minor), headers };
  }
}

export type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' };

/** How the request body is delimited (RFC 9112 §6.3), or an HttpError. */
export function requestFraming(head: ParsedHead): BodyFraming {
  const transfer = head.headers['transfer-encoding'];
  const length = head.headers['content-length'];
  if (transfer !== undefined) {
    if (length !== undefined) throw new HttpError(400, 'both Transfer-Encoding and Content-Length');
    if (transfer.toLowerCase() !== 'chunked') throw new HttpError(501, `transfer coding "${transfer}" is not supported`);
    if (head.minor === 0) throw new HttpError(400, 'Transfer-Encoding in an HTTP/1.0 request');
    return { kind: 'chunked' };
  }
  if (length === undefined) return { kind: 'none' };
  const values = length.split(',').map((v) => v.trim());
  if (!values.every((v) => /^\d{1,15}$/.test(v)) || !values.every((v) => v === values[0])) throw new HttpError(400, 'invalid Content-Length');
  const bytes = Number(values[0]);
  return bytes === 0 ? { kind: 'none' } : { kind: 'length', length: bytes };
}

/**
 * A request body's bytes out of the connection's stream. `push` hands body data to `onData` and
 * returns the bytes after the body once it ended (the next pipelined request), else undefined.
 */
export class BodyDecoder {
  #framing: BodyFraming;
  #remaining: number;
  /** chunked: 'size' (reading the size line), 'data', 'data-crlf', 'trailer'. */
  #state: 'size' | 'data' | 'data-crlf' | 'trailer' | 'done';
  #line = '';
  #maxLine = 256;
  constructor(framing: BodyFraming) {
    this.#framing = framing;
    this.#remaining = framing.kind === 'length' ? framing.length : 0;
    this.#state = framing.kind === 'none' ? 'done' : framing.kind === 'length' ? 'data' : 'size';
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  push(bytes: Uint8Array, onData: (chunk: Uint8Array) => void): Uint8Array | undefined {
    let at = 0;
    while (at < bytes.length || this.#state === 'done') {
      if (this.#state === 'done') return bytes.subarray(at);
      if (this.#state === 'data') {
        const take = Math.min(this.#remaining, bytes.length - at);
        if (take > 0) onData(bytes.subarray(at, at + take));
        at += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = this.#framing.kind === 'length' ? 'done' : 'data-crlf';
        continue;
      }
      // Line-oriented parts of chunked framing: size lines, the CRLF after data, trailer lines.
      const byte = bytes[at++];
      if (byte !== LF) {
        if (this.#line.length >= this.#maxLine) throw new HttpError(400, 'chunked framing line too long');
        this.#line += String.fromCharCode(byte);
        continue;
      }
      const line = this.#line.endsWith('\r') ? this.#line.slice(0, -1) : this.#line;
      this.#line = '';
      if (this.#state === 'data-crlf') {
        if (line !== '') throw new HttpError(400, 'chunk data longer than its size');
        this.#state = 'size';
      } else if (this.#state === 'size') {
        const size = /^([0-9A-Fa-f]{1,8})(?:;.*)?$/.exec(line);
        if (!size) throw new HttpError(400, 'malformed chunk size');
        this.#remaining = parseInt(size[1], 16);
        this.#state = this.#remaining === 0 ? 'trailer' : 'data';
      } else if (this.#state === 'trailer' && line === '') this.#state = 'done';
    }
    return this.done ? bytes.subarray(at) : undefined;
  }
}
