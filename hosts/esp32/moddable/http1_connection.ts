/**
 * One HTTP/1.1 server connection of the Moddable hosts over an ECMA-419-style byte socket, free of
 * SDK calls (http_server.ts gives it the SDK's TCP socket; tests give it a fake one, in XS and on
 * Node). It parses requests with limits, answers them in order with exact framing —
 * Content-Length when the body's size is known, chunked otherwise, `0\r\n\r\n` at the end —
 * keeps the connection alive between requests (pipelined ones wait their turn), writes no more
 * than the socket says it can take and pulls the next body piece only when it has room
 * (backpressure), and hands the socket over after a WebSocket 101.
 */
import type { ClockPort, TimerHandle } from '../../ports/clock';
import type { HttpHandlers, HttpRequestHead, HttpResponse, WebSocketSession } from '../../ports/http';
import type { LogPort } from '../../ports/log';
import { utf8Encode } from '../../../modules/util/utf8';
import { RequestBodyStream, ResponseBodySource } from './http_body';
import { BodyDecoder, DEFAULT_LIMITS, HeadParser, HttpError, type HttpLimits, type ParsedHead, requestFraming } from './http1_parser';

/** The socket as the connection uses it (the SDK's TCP: read(count), write → bytes still writable). */
export interface ByteSocket {
  read(count: number): ArrayBuffer | undefined;
  /** Sends all of `bytes` (never more than the last writable count); returns how many more fit now. */
  write(bytes: Uint8Array): number;
  close(): void;
}

export interface ConnectionOptions {
  socket: ByteSocket;
  handlers: HttpHandlers;
  remoteAddress: string;
  clock: ClockPort;
  log: LogPort;
  limits?: Partial<HttpLimits>;
  /** Request body bytes waiting for the core at most. */
  maxQueuedBodyBytes?: number;
  /** A connection waiting for a (complete) request head this long is closed (default 15 s). */
  idleTimeoutMs?: number;
  /** Requests on one connection before it is closed (default 100). */
  maxRequests?: number;
  /** Sec-WebSocket-Accept for a key (SHA-1 lives in the SDK). */
  acceptKey(key: string): string;
  /** After the 101 went out: the socket now belongs to the WebSocket. */
  onUpgrade(session: WebSocketSession): void;
  /** The connection is over (closed, failed or upgraded). */
  onFinished(): void;
}

const REASONS: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
  301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  409: 'Conflict', 411: 'Length Required', 413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type',
  417: 'Expectation Failed', 422: 'Unprocessable Content', 426: 'Upgrade Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
};

/** Framing is this connection's job: these never pass from the core's headers to the wire. */
const FRAMING_HEADERS = ['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade'];
/** Room for a chunk's size line and CRLFs: up to 8 hex digits + 4 bytes. */
const CHUNK_OVERHEAD = 12;
const LAST_CHUNK = '0\r\n\r\n';

function hasToken(value: string | undefined, token: string): boolean {
  return (value ?? '').split(',').some((part) => part.trim().toLowerCase() === token);
}

export function isWebSocketUpgrade(head: HttpRequestHead): boolean {
  return head.method === 'GET' && (head.headers.upgrade ?? '').toLowerCase() === 'websocket' && hasToken(head.headers.connection, 'upgrade');
}

type State = 'head' | 'body' | 'respond' | 'closed' | 'upgraded';

export class Http1Connection {
  #options: ConnectionOptions;
  #limits: HttpLimits;
  #state: State = 'head';
  #writable = 0;
  #out: Uint8Array[] = [];
  #parser: HeadParser;
  #decoder: BodyDecoder | undefined;
  #body: RequestBodyStream | undefined;
  #source: ResponseBodySource | undefined;
  #chunked = false;
  /** The response's last byte is queued; the connection moves on once the queue drains. */
  #responseQueued = false;
  #keepAlive = false;
  #upgrade: WebSocketSession | undefined;
  /** Bytes of a pipelined request that arrived while an earlier one was answered. */
  #pending: Uint8Array | undefined;
  #requests = 0;
  /** Bumped per request and per refusal: a late answer to an abandoned request is dropped. */
  #generation = 0;
  #idleTimer: TimerHandle | undefined;
  #method = '';
  #url = '';
  #idleSince: number | undefined;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#parser = new HeadParser(this.#limits);
    this.#idleSince = options.clock.now();
    this.#armIdleTimer();
  }

  get closed(): boolean {
    return this.#state === 'closed' || this.#state === 'upgraded';
  }

  /** Since when no byte of a next request has arrived (undefined while a request is read or answered). */
  get idleSince(): number | undefined {
    return this.#state === 'head' ? this.#idleSince : undefined;
  }

  /** The socket's onReadable. */
  readable(count: number): void {
    if (this.closed) return;
    let bytes: ArrayBuffer | undefined;
    try {
      bytes = this.#options.socket.read(count);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (bytes && bytes.byteLength) this.#feed(new Uint8Array(bytes));
  }

  /** The socket's onWritable. */
  writable(count: number): void {
    if (this.closed) return;
    this.#writable = count;
    this.#pump();
  }

  /** The socket's onError (peer gone, reset). */
  error(): void {
    this.#fail(new Error('the connection closed'));
  }

  /** Answer 503 and close: the server has no room for another connection. */
  refuse(): void {
    this.#rejectRequest(new HttpError(503, 'too many connections, try again'));
  }

  close(): void {
    if (this.closed) return;
    this.#finish('closed');
    try {
      this.#options.socket.close();
    } catch {
      // already gone
    }
  }

  #feed(bytes: Uint8Array | undefined): void {
    while (bytes && bytes.length && !this.closed) {
      if (this.#state === 'head') {
        this.#idleSince = undefined;
        let rest: Uint8Array | undefined;
        try {
          rest = this.#parser.push(bytes);
        } catch (error) {
          this.#rejectRequest(error);
          return;
        }
        if (!rest) return;
        bytes = rest;
        this.#startRequest(this.#parser.head as ParsedHead);
      } else if (this.#state === 'body' && this.#decoder && !this.#decoder.done) {
        const body = this.#body as RequestBodyStream;
        try {
          bytes = this.#decoder.push(bytes, (chunk) => body.push(chunk.slice()));
        } catch (error) {
          body.fail(error as Error);
          this.#rejectRequest(error);
          return;
        }
        if (this.#decoder.done) {
          body.end();
          this.#state = 'respond';
        }
      } else {
        // The next request, pipelined behind one still being answered: keep it (bounded) for later.
        const held = this.#pending ? this.#pending.length : 0;
        if (held + bytes.length > this.#limits.maxHeadBytes) {
          this.#keepAlive = false; // too much queued behind: answer this one, then close
          return;
        }
        const joined = new Uint8Array(held + bytes.length);
        if (this.#pending) joined.set(this.#pending);
        joined.set(bytes, held);
        this.#pending = joined;
        return;
      }
    }
  }

  #startRequest(parsed: ParsedHead): void {
    this.#clearIdleTimer();
    this.#requests++;
    const head: HttpRequestHead = { method: parsed.method, url: parsed.target, headers: parsed.headers, remoteAddress: this.#options.remoteAddress };
    this.#method = head.method;
    this.#url = head.url;
    const connection = parsed.headers.connection;
    this.#keepAlive = (parsed.minor === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive')) && this.#requests < (this.#options.maxRequests ?? 100);
    if (isWebSocketUpgrade(head)) {
      this.#startUpgrade(head);
      return;
    }
    let framing;
    try {
      framing = requestFraming(parsed);
      const expect = parsed.headers.expect;
      if (expect !== undefined && expect.toLowerCase() !== '100-continue') throw new HttpError(417, `expectation "${expect}" is not supported`);
    } catch (error) {
      this.#rejectRequest(error);
      return;
    }
    const body = new RequestBodyStream(this.#options.maxQueuedBodyBytes ?? 16 * 1024);
    this.#body = body;
    this.#decoder = new BodyDecoder(framing);
    if (this.#decoder.done) body.end();
    else if (parsed.headers.expect !== undefined && parsed.minor === 1) this.#queueText('HTTP/1.1 100 Continue\r\n\r\n');
    this.#state = this.#decoder.done ? 'respond' : 'body';
    const generation = ++this.#generation;
    const answer = this.#options.handlers.request({ ...head, body }).then(undefined, (error: unknown) => {
      this.#options.log.log('error', 'http', `${head.method} ${head.url} handler failed: ${String(error)}`);
      return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'internal error\n' } as HttpResponse;
    });
    answer.then((response) => {
      if (this.closed || generation !== this.#generation) return;
      // An answer before the whole upload arrived: drop the rest of it, and the connection after.
      if (this.#decoder && !this.#decoder.done) {
        this.#keepAlive = false;
        body.discard();
      }
      this.#respond(response);
    });
  }

  #startUpgrade(head: HttpRequestHead): void {
    let session: WebSocketSession | undefined;
    this.#keepAlive = false; // a refused upgrade's client may already be sending frames
    if (head.headers['sec-websocket-version'] !== '13') {
      this.#queueResponseHead(426, { 'sec-websocket-version': '13', 'content-length': '0' }, false);
      this.#pump();
      return;
    }
    const key = head.headers['sec-websocket-key'] ?? '';
    try {
      session = key ? this.#options.handlers.websocket(head) : undefined;
    } catch (error) {
      this.#options.log.log('error', 'http', `websocket handler threw for ${head.url}: ${String(error)}`);
    }
    if (!session) {
      this.#queueResponseHead(404, { 'content-length': '0' }, false);
      this.#pump();
      return;
    }
    this.#upgrade = session;
    this.#state = 'respond';
    this.#queueText(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${this.#options.acceptKey(key)}\r\n\r\n`);
    this.#responseQueued = true;
    this.#pump();
  }

  /** A request that cannot be served: an error answer, then close. */
  #rejectRequest(error: unknown): void {
    const status = error instanceof HttpError ? error.status : 400;
    const message = error instanceof Error ? error.message : String(error);
    this.#clearIdleTimer();
    this.#options.log.log('debug', 'http', `refused a request from ${this.#options.remoteAddress}: ${status} ${message}`);
    this.#generation++;
    this.#decoder = undefined;
    this.#keepAlive = false;
    const text = utf8Encode(`${message}\n`);
    this.#queueResponseHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(text.length) }, false);
    this.#out.push(text);
    this.#pump();
  }

  #respond(response: HttpResponse): void {
    const headOnly = this.#method === 'HEAD';
    const noBody = headOnly || response.status === 204 || response.status === 304 || (response.status >= 100 && response.status < 200);
    const source = new ResponseBodySource(noBody ? undefined : response.body, () => this.#pump());
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      const lower = name.toLowerCase();
      if (!FRAMING_HEADERS.includes(lower)) headers[lower] = value;
    }
    this.#chunked = false;
    if (headOnly) {
      // The length a GET would have had, when it is known without producing the body.
      const body = response.body;
      const length = typeof body === 'string' ? utf8Encode(body).length : body instanceof Uint8Array ? body.length : undefined;
      if (length !== undefined) headers['content-length'] = String(length);
    } else if (noBody) {
      // 1xx, 204 and 304 carry no body and no length.
    } else if (source.contentLength !== undefined) headers['content-length'] = String(source.contentLength);
    else if (this.#parserMinor() === 1) {
      headers['transfer-encoding'] = 'chunked';
      this.#chunked = true;
    } else this.#keepAlive = false; // HTTP/1.0: the end of the body is the end of the connection
    this.#queueResponseHead(response.status, headers, true);
    this.#source = source;
    this.#pump();
  }

  #parserMinor(): number {
    return this.#parser.head?.minor ?? 1;
  }

  /** Status line and headers (plus Connection); `bodyFollows` false means the response ends with the head. */
  #queueResponseHead(status: number, headers: Record<string, string>, bodyFollows: boolean): void {
    if (!bodyFollows) this.#source = undefined;
    let text = `HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}\r\n`;
    for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
    text += `connection: ${this.#keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
    this.#state = 'respond';
    this.#queueText(text);
    this.#responseQueued = !bodyFollows;
  }

  #queueText(text: string): void {
    this.#out.push(utf8Encode(text));
  }

  /** Write what is queued, then body pieces, as far as the socket has room. */
  #pump(): void {
    while (!this.closed && this.#writable > 0) {
      const next = this.#out[0];
      if (next) {
        const piece = next.length <= this.#writable ? next : next.subarray(0, this.#writable);
        if (piece.length === next.length) this.#out.shift();
        else this.#out[0] = next.subarray(piece.length);
        try {
          this.#writable = this.#options.socket.write(piece);
        } catch (error) {
          this.#fail(error);
          return;
        }
        continue;
      }
      if (this.#source) {
        const room = this.#chunked ? this.#writable - CHUNK_OVERHEAD : this.#writable;
        if (room <= 0) return; // wait for a larger window rather than send tiny chunks
        const piece = this.#source.take(room);
        if (piece.kind === 'wait') return;
        if (piece.kind === 'data') {
          if (this.#chunked) {
            this.#queueText(`${piece.bytes.length.toString(16)}\r\n`);
            this.#out.push(piece.bytes, utf8Encode('\r\n'));
          } else this.#out.push(piece.bytes);
          continue;
        }
        // end of the body
        const failed = this.#source.error !== undefined;
        if (failed) this.#options.log.log('error', 'http', `response body for ${this.#url} failed: ${String(this.#source.error)}`);
        this.#source = undefined;
        if (failed) {
          // The body is incomplete: closing without the last chunk tells the client so.
          this.#keepAlive = false;
        } else if (this.#chunked) this.#queueText(LAST_CHUNK);
        this.#responseQueued = true;
        continue;
      }
      if (this.#responseQueued) this.#responseDone();
      return;
    }
  }

  /** Everything of the response is written. */
  #responseDone(): void {
    this.#responseQueued = false;
    if (this.#upgrade) {
      const session = this.#upgrade;
      this.#upgrade = undefined;
      this.#finish('upgraded');
      this.#options.onUpgrade(session);
      return;
    }
    if (!this.#keepAlive || (this.#decoder && !this.#decoder.done)) {
      this.close();
      return;
    }
    // Ready for the next request on this connection.
    this.#state = 'head';
    this.#parser = new HeadParser(this.#limits);
    this.#decoder = undefined;
    this.#body = undefined;
    this.#idleSince = this.#options.clock.now();
    this.#armIdleTimer();
    const pending = this.#pending;
    this.#pending = undefined;
    this.#feed(pending);
  }

  #armIdleTimer(): void {
    this.#clearIdleTimer();
    this.#idleTimer = this.#options.clock.setTimer(this.#options.idleTimeoutMs ?? 15_000, () => {
      this.#idleTimer = undefined;
      if (this.#state === 'head') this.close();
    });
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer) this.#options.clock.clear(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #fail(error: unknown): void {
    if (this.closed) return;
    this.#body?.fail(error instanceof Error ? error : new Error(String(error)));
    this.#source?.cancel();
    this.#options.log.log('debug', 'http', `connection error on ${this.#method || '?'} ${this.#url || '?'}: ${String(error)}`);
    this.close();
  }

  #finish(state: 'closed' | 'upgraded'): void {
    this.#state = state;
    this.#clearIdleTimer();
    this.#out = [];
    this.#pending = undefined;
    if (state === 'closed') {
      this.#body?.fail(new Error('the connection closed before the request body ended'));
      this.#source?.cancel();
    }
    this.#source = undefined;
    this.#options.onFinished();
  }
}
