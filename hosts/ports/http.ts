/**
 * HTTP binding: the host parses the request line and headers and streams the body; the core's
 * web_server answers. One listening port serves plain requests and WebSocket upgrades.
 * Node: node:http + ws (hosts/node/http_server.ts); Moddable: the SDK's HTTP server.
 */

/** What the host knows about a request before reading its body (also all an upgrade carries). */
export interface HttpRequestHead {
  /** Upper-case method as sent ("GET", "POST", ...). */
  method: string;
  /** Origin-form target: path with query string, as sent ("/api/history?limit=10"). */
  url: string;
  /** Header names lower-case; a repeated header's values joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** The peer's address as the host sees it (rate limiting keys on it). */
  remoteAddress: string;
}

export interface HttpRequest extends HttpRequestHead {
  /**
   * Body chunks in order; ends with the request body. Not reading it is allowed. When the client
   * goes away before the body ended, the iterator throws an Error named "AbortError" (the core
   * counts that as an abort, not as its own failure).
   */
  body: AsyncIterable<Uint8Array>;
}

/** A string is sent UTF-8 encoded; an async iterable is streamed chunk by chunk. */
export type HttpBody = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface HttpResponse {
  status: number;
  /** Header names as they should be sent. The host adds framing headers (Content-Length...). */
  headers: Record<string, string>;
  body?: HttpBody;
}

/** An open WebSocket as the core sees it: text messages only. */
export interface WebSocketConnection {
  send(text: string): void;
  /** Bytes accepted by `send` but not yet handed to the network: a slow client shows here. */
  bufferedAmount(): number;
  /** Idempotent; `code` per RFC 6455 §7.4 (1000 normal, 1008 policy, 1013 try again later). */
  close(code?: number, reason?: string): void;
}

/** The core's side of one WebSocket: the host calls these, never from inside a connection method. */
export interface WebSocketSession {
  open(connection: WebSocketConnection): void;
  message?(text: string): void;
  closed?(): void;
}

export interface HttpHandlers {
  /** Always resolves with a response; a rejection is a core bug and the host answers 500. */
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Decide on an upgrade before it completes: a session, or undefined to refuse (404, no upgrade). */
  websocket(request: HttpRequestHead): WebSocketSession | undefined;
}

export interface HttpListenOptions {
  /** 0 = any free port (tests); the handle tells which. */
  port: number;
  /** Interface address to bind; all interfaces when absent. */
  host?: string;
}

export interface HttpServerHandle {
  readonly port: number;
  /** Stop accepting, end open WebSockets and connections. */
  close(): Promise<void>;
}

export interface HttpPort {
  listen(options: HttpListenOptions, handlers: HttpHandlers): Promise<HttpServerHandle>;
}
