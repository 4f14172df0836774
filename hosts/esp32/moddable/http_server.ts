/**
 * HttpPort on the SDK's ECMA-419 HTTP server (examples/io/listener/httpserver), which also
 * takes WebSocket upgrades on the same port: after the 101 answer the socket is detached and
 * handed to SdkWebSocket. (The classic `http` server's WebSocket hand-off failed in mcsim.)
 * The server answers one request per connection and closes it, so responses say so.
 */
import Listener from 'embedded:io/socket/listener';
import HTTPServer, { type HTTPConnection, type HTTPConnectionHandlers, type HTTPRequest, type HTTPResponse } from 'embedded:network/http/server';
import { Digest } from 'crypt';
import type { ClockPort } from '../../ports/clock';
import type { HttpHandlers, HttpListenOptions, HttpPort, HttpRequestHead, HttpResponse, HttpServerHandle, WebSocketSession } from '../../ports/http';
import type { LogPort } from '../../ports/log';
import { RequestBodyStream, ResponseBodySource } from './http_body';
import { base64Encode } from './pem';
import { SdkWebSocket, type WebSocketLimits } from './websocket';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Framing is the host's job: these never pass from the core's headers to the wire. */
const FRAMING_HEADERS = ['content-length', 'transfer-encoding', 'connection'];

export interface SdkHttpOptions {
  clock: ClockPort;
  log: LogPort;
  /** Request body bytes waiting for the core at most (default 16 KB). */
  maxQueuedBodyBytes?: number;
  websocket?: Partial<WebSocketLimits>;
}

/** Listener stand-in that remembers the peer of the socket the server takes, for `remoteAddress`. */
function addressRecordingListener(record: (address: string) => void): typeof Listener {
  class RecordingListener {
    #inner: Listener;
    target: unknown;
    constructor(options: { port?: number; target?: unknown; onReadable(this: RecordingListener, count: number): void }) {
      const outer = this;
      this.target = options.target;
      this.#inner = new Listener({ port: options.port, onReadable: (count) => options.onReadable.call(outer, count) });
    }
    read() {
      const socket = this.#inner.read();
      record(socket?.remoteAddress ?? '');
      return socket;
    }
    close() {
      (this.#inner as unknown as { close(): void }).close();
    }
    get port() {
      return this.#inner.port;
    }
  }
  return RecordingListener as unknown as typeof Listener;
}

function headerRecord(headers: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name.toLowerCase()] = value;
  return out;
}

function isWebSocketUpgrade(head: HttpRequestHead): boolean {
  const connection = head.headers.connection ?? '';
  return (
    head.method === 'GET' &&
    (head.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
    connection.split(',').some((token) => token.trim().toLowerCase() === 'upgrade')
  );
}

function acceptKey(key: string): string {
  const sha1 = new Digest('SHA1');
  sha1.write(key);
  sha1.write(WEBSOCKET_GUID);
  return base64Encode(new Uint8Array(sha1.close()));
}

const plainResponse = (status: number, text: string): HttpResponse => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text });

export class SdkHttpPort implements HttpPort {
  #options: SdkHttpOptions;

  constructor(options: SdkHttpOptions) {
    this.#options = options;
  }

  listen(options: HttpListenOptions, handlers: HttpHandlers): Promise<HttpServerHandle> {
    let remoteAddress = '';
    const sockets = new Set<SdkWebSocket>();
    const server = new HTTPServer({
      io: addressRecordingListener((address) => (remoteAddress = address)),
      port: options.port,
      onConnect: (connection) => connection.accept(this.#exchange(handlers, remoteAddress, sockets)),
    });
    const port = server.port;
    this.#options.log.log('info', 'http', `listening on port ${port}`);
    return Promise.resolve({
      port,
      close: () => {
        for (const socket of sockets) socket.close(1001, 'server stopping');
        server.close();
        return Promise.resolve();
      },
    });
  }

  /** Handlers for one connection; the SDK calls them with `this` = the connection. */
  #exchange(handlers: HttpHandlers, remoteAddress: string, sockets: Set<SdkWebSocket>): HTTPConnectionHandlers {
    const { clock, log } = this.#options;
    const maxQueued = this.#options.maxQueuedBodyBytes ?? 16 * 1024;
    const limits = this.#options.websocket;
    let head: HttpRequestHead | undefined;
    let body: RequestBodyStream | undefined;
    let pending: Promise<HttpResponse> | undefined;
    let upgrade: { session: WebSocketSession | undefined; key: string } | undefined;
    let source: ResponseBodySource | undefined;
    let waitingWritable = 0;
    let finished = false;

    const pump = (connection: HTTPConnection, writable: number) => {
      let room = writable;
      waitingWritable = 0;
      while (source && room > 0 && !finished) {
        const piece = source.take(room);
        if (piece.kind === 'wait') {
          waitingWritable = room;
          return;
        }
        if (piece.kind === 'end') {
          if (source.error !== undefined) log.log('error', 'http', `response body for ${head?.url} failed: ${String(source.error)}`);
          if (source.contentLength === undefined) connection.write();
          source = undefined;
          return;
        }
        room = connection.write(piece.bytes);
      }
    };

    return {
      onRequest(this: HTTPConnection, request: HTTPRequest) {
        head = { method: request.method.toUpperCase(), url: request.path, headers: headerRecord(request.headers), remoteAddress };
        if (isWebSocketUpgrade(head)) {
          let session: WebSocketSession | undefined;
          try {
            session = head.headers['sec-websocket-version'] === '13' && head.headers['sec-websocket-key'] ? handlers.websocket(head) : undefined;
          } catch (error) {
            log.log('error', 'http', `websocket handler threw for ${head.url}: ${String(error)}`);
          }
          upgrade = { session, key: head.headers['sec-websocket-key'] ?? '' };
          return;
        }
        body = new RequestBodyStream(maxQueued);
        pending = handlers.request({ ...head, body }).then(undefined, (error: unknown) => {
          log.log('error', 'http', `${head?.method} ${head?.url} handler failed: ${String(error)}`);
          return plainResponse(500, 'internal error\n');
        });
        // Once the answer is known, the rest of the upload is read and dropped, never queued.
        pending.then(() => body?.discard());
      },
      onReadable(this: HTTPConnection, count: number) {
        const bytes = this.read(count);
        if (bytes && body) body.push(new Uint8Array(bytes));
      },
      onResponse(this: HTTPConnection, response: HTTPResponse) {
        const connection = this;
        if (upgrade) {
          if (upgrade.session) {
            response.status = 101;
            response.headers.set('connection', 'upgrade');
            response.headers.set('upgrade', 'websocket');
            response.headers.set('sec-websocket-accept', acceptKey(upgrade.key));
          } else {
            response.status = 404;
            response.headers.set('content-length', 0);
            response.headers.set('connection', 'close');
          }
          connection.respond(response);
          return;
        }
        body?.end();
        (pending as Promise<HttpResponse>).then((answer) => {
          if (finished) return;
          const headOnly = head?.method === 'HEAD';
          source = new ResponseBodySource(headOnly ? undefined : answer.body, () => {
            if (waitingWritable > 0) pump(connection, waitingWritable);
          });
          response.status = answer.status;
          for (const [name, value] of Object.entries(answer.headers)) {
            const lower = name.toLowerCase();
            if (!FRAMING_HEADERS.includes(lower)) response.headers.set(lower, value);
          }
          response.headers.set('connection', 'close');
          if (source.contentLength === undefined) response.headers.set('transfer-encoding', 'chunked');
          else response.headers.set('content-length', source.contentLength);
          connection.respond(response);
        });
      },
      onWritable(this: HTTPConnection, count: number) {
        pump(this, count);
      },
      onDone(this: HTTPConnection) {
        finished = true;
        if (!upgrade?.session) return;
        const socket = new SdkWebSocket(this.detach(), upgrade.session, { clock, log, ...limits }, () => sockets.delete(socket));
        sockets.add(socket);
      },
      onError(this: HTTPConnection) {
        finished = true;
        const aborted = new Error('the client closed the connection before the request body ended');
        aborted.name = 'AbortError'; // ports/http.ts: counted as a client abort
        body?.fail(aborted);
        source?.cancel();
        log.log('debug', 'http', `connection error on ${head?.method ?? '?'} ${head?.url ?? '?'}`);
      },
    };
  }
}
