/**
 * HttpPort on Node: node:http for requests and the `ws` package for WebSocket upgrades, on one
 * port. Request bodies are streamed to the core with back-pressure (the socket is paused while
 * the core has not asked for more), and a core that stops reading early (413) never tears the
 * socket down before its answer is sent.
 */
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type {
  HttpBody,
  HttpHandlers,
  HttpListenOptions,
  HttpPort,
  HttpRequestHead,
  HttpResponse,
  HttpServerHandle,
  WebSocketConnection,
} from '../ports/http';

export interface NodeHttpOptions {
  /** Largest WebSocket message accepted from a client (they only ever send small ones). */
  maxWebSocketPayloadBytes?: number;
  /** Whole-request time limit; OTA uploads need minutes. */
  requestTimeoutMs?: number;
}

export function createNodeHttpPort(options: NodeHttpOptions = {}): HttpPort {
  return { listen: (listenOptions, handlers) => listen(listenOptions, handlers, options) };
}

function headOf(request: http.IncomingMessage): HttpRequestHead {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: (request.method ?? 'GET').toUpperCase(), url: request.url ?? '/', headers, remoteAddress: request.socket.remoteAddress ?? '' };
}

/** The port's signal for a client that left mid-body (ports/http.ts). */
function clientAbort(): Error {
  const error = new Error('the client closed the connection before the request body ended');
  error.name = 'AbortError';
  return error;
}

const asBytes = (chunk: Buffer) => new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);

/**
 * The request body as an async iterable that pulls one chunk at a time. Unlike the stream's own
 * iterator, stopping early only detaches: the socket stays usable for the answer.
 */
function bodyOf(request: http.IncomingMessage): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const queue: Uint8Array[] = [];
      let ended = false;
      let failure: Error | undefined;
      let wake: (() => void) | undefined;
      const notify = () => {
        const resume = wake;
        wake = undefined;
        resume?.();
      };
      const onData = (chunk: Buffer) => {
        queue.push(asBytes(chunk));
        request.pause();
        notify();
      };
      const onEnd = () => {
        ended = true;
        notify();
      };
      const onError = (error: Error) => {
        failure = error;
        notify();
      };
      const onClose = () => {
        if (!ended) onError(clientAbort());
      };
      const detach = () => {
        request.off('data', onData);
        request.off('end', onEnd);
        request.off('error', onError);
        request.off('close', onClose);
      };
      request.on('data', onData);
      request.on('end', onEnd);
      request.on('error', onError);
      request.on('close', onClose);
      request.pause();
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          for (;;) {
            const chunk = queue.shift();
            if (chunk) return { value: chunk, done: false };
            if (failure) throw failure;
            if (ended || request.readableEnded) {
              detach();
              return { value: undefined, done: true };
            }
            const waiting = new Promise<void>((resolve) => (wake = resolve));
            request.resume();
            await waiting;
          }
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          detach();
          return { value: undefined, done: true };
        },
      };
    },
  };
}

async function writeBody(response: http.ServerResponse, body: HttpBody | undefined): Promise<void> {
  if (body === undefined) {
    response.end();
  } else if (typeof body === 'string' || body instanceof Uint8Array) {
    // A single end() lets Node set Content-Length.
    response.end(body);
  } else {
    for await (const chunk of body) {
      // A client that hung up never drains: stop pulling (the for-await return() ends the stream).
      if (response.destroyed) return;
      if (!response.write(chunk)) await drainedOrClosed(response);
    }
    if (!response.destroyed) response.end();
  }
}

function drainedOrClosed(response: http.ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}

async function serve(request: http.IncomingMessage, response: http.ServerResponse, handlers: HttpHandlers): Promise<void> {
  let answer: HttpResponse;
  try {
    answer = await handlers.request({ ...headOf(request), body: bodyOf(request) });
  } catch (error) {
    // The core answers every request itself; reaching this is a bug, still answered.
    process.stderr.write(`http_server: request handler failed: ${(error as Error)?.stack ?? String(error)}\n`);
    answer = { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'internal error\n' };
  }
  if (response.headersSent || response.destroyed) return;
  response.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  try {
    await writeBody(response, answer.body);
  } catch (error) {
    response.destroy(error as Error);
  }
}

function wrapWebSocket(socket: WebSocket): WebSocketConnection {
  return {
    send: (text) => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
    bufferedAmount: () => socket.bufferedAmount,
    close: (code, reason) => {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
    },
  };
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

async function listen(options: HttpListenOptions, handlers: HttpHandlers, nodeOptions: NodeHttpOptions): Promise<HttpServerHandle> {
  const server = http.createServer((request, response) => void serve(request, response, handlers));
  server.requestTimeout = nodeOptions.requestTimeoutMs ?? 600_000;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: nodeOptions.maxWebSocketPayloadBytes ?? 4096 });

  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let session;
    try {
      session = handlers.websocket(headOf(request));
    } catch (error) {
      process.stderr.write(`http_server: websocket handler failed: ${(error as Error)?.stack ?? String(error)}\n`);
      refuseUpgrade(socket, '500 Internal Server Error');
      return;
    }
    if (!session) {
      refuseUpgrade(socket, '404 Not Found');
      return;
    }
    const accepted = session;
    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.on('message', (data, isBinary) => {
        if (!isBinary) accepted.message?.(String(data));
      });
      ws.on('close', () => accepted.closed?.());
      ws.on('error', () => ws.terminate());
      accepted.open(wrapWebSocket(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  let closing: Promise<void> | undefined;
  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
