/**
 * HttpPort of the Moddable hosts: this project's HTTP/1.1 server (http1_connection.ts) on the
 * ECMA-419 listener and TCP sockets. (The SDK's examples/io/listener/httpserver, used before,
 * is an example: it ended every chunked body with "\n\r\n" instead of "0\r\n\r\n" and served one
 * request per connection.) At most `maxConnections` are open (lwIP has few sockets): a new one
 * replaces the longest-idle keep-alive connection, and gets a 503 only when all are busy.
 * After a WebSocket 101 the socket is handed to SdkWebSocket.
 */
import Listener from 'embedded:io/socket/listener';
import TCP from 'embedded:io/socket/tcp';
import { Digest } from 'crypt';
import type { ClockPort } from '../../ports/clock';
import type { HttpHandlers, HttpListenOptions, HttpPort, HttpServerHandle } from '../../ports/http';
import type { LogPort } from '../../ports/log';
import { ConnectionPool } from './connection_pool';
import { Http1Connection, type ByteSocket } from './http1_connection';
import type { HttpLimits } from './http1_parser';
import { base64Encode } from './pem';
import { SdkWebSocket, type WebSocketLimits } from './websocket';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface SdkHttpOptions {
  clock: ClockPort;
  log: LogPort;
  /** Request body bytes waiting for the core at most (default 16 KB). */
  maxQueuedBodyBytes?: number;
  /** Open HTTP connections at most, WebSockets not counted (default 6); idle keep-alive ones make room. */
  maxConnections?: number;
  /** Keep-alive and request-head timeout (default 15 s). */
  idleTimeoutMs?: number;
  limits?: Partial<HttpLimits>;
  websocket?: Partial<WebSocketLimits>;
}

export function webSocketAcceptKey(key: string): string {
  const sha1 = new Digest('SHA1');
  sha1.write(key);
  sha1.write(WEBSOCKET_GUID);
  return base64Encode(new Uint8Array(sha1.close()));
}

export class SdkHttpPort implements HttpPort {
  #options: SdkHttpOptions;

  constructor(options: SdkHttpOptions) {
    this.#options = options;
  }

  listen(options: HttpListenOptions, handlers: HttpHandlers): Promise<HttpServerHandle> {
    const { clock, log } = this.#options;
    const connections = new ConnectionPool<Http1Connection>(this.#options.maxConnections ?? 6);
    const sockets = new Set<SdkWebSocket>();
    const accept = (from: TCP) => {
      let connection: Http1Connection | undefined;
      const socket = new TCP({
        from,
        onReadable: (count) => connection?.readable(count),
        onWritable: (count) => connection?.writable(count),
        onError: () => connection?.error(),
      });
      const byteSocket: ByteSocket = {
        read: (count) => socket.read(count) as ArrayBuffer | undefined,
        // The SDK's TCP write returns the room left (typed void in the SDK's typings).
        write: (bytes) => socket.write(bytes) as unknown as number,
        close: () => socket.close(),
      };
      const current: Http1Connection = new Http1Connection({
        socket: byteSocket,
        handlers,
        remoteAddress: socket.remoteAddress ?? '',
        clock,
        log,
        limits: this.#options.limits,
        maxQueuedBodyBytes: this.#options.maxQueuedBodyBytes,
        idleTimeoutMs: this.#options.idleTimeoutMs,
        acceptKey: webSocketAcceptKey,
        onUpgrade: (session) => {
          const webSocket = new SdkWebSocket(new TCP({ from: socket }), session, { clock, log, ...this.#options.websocket }, () => sockets.delete(webSocket));
          sockets.add(webSocket);
        },
        onFinished: () => connections.remove(current),
      });
      connection = current;
      if (!connections.admit(current)) {
        log.log('warn', 'http', `refused a connection from ${socket.remoteAddress ?? '?'}: ${connections.max} open, all busy`);
        current.refuse();
      }
    };
    const listener = new Listener({
      port: options.port,
      onReadable: (count) => {
        for (let i = 0; i < count; i++) {
          const from = listener.read();
          if (!from) return;
          try {
            accept(from);
          } catch (error) {
            log.log('error', 'http', `could not accept a connection: ${String(error)}`);
          }
        }
      },
    });
    log.log('info', 'http', `listening on port ${listener.port}`);
    return Promise.resolve({
      port: listener.port,
      close: () => {
        for (const socket of sockets) socket.close(1001, 'server stopping');
        connections.closeAll();
        (listener as unknown as { close(): void }).close();
        return Promise.resolve();
      },
    });
  }
}
