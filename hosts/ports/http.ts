/**
 * A small HTTP binding: the host parses the request line and headers and streams the body;
 * the core's web_server answers. Node: node:http + ws; Moddable: the ECMA-419 HTTP server.
 */
export interface HttpRequest {
  method: string;
  /** Path with query string, as sent. */
  url: string;
  /** Header names lower-case. */
  headers: Record<string, string>;
  remoteAddress: string;
  /** Body chunks in order; ends when the request body ends. */
  body: AsyncIterable<Uint8Array>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
}

export interface WebSocketConnection {
  send(text: string): void;
  close(): void;
  onMessage?: (text: string) => void;
  onClose?: () => void;
}

export interface HttpHandlers {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Return false to refuse the upgrade (404). */
  websocket(path: string, req: Omit<HttpRequest, 'body'>, connection: WebSocketConnection): boolean;
}

export interface HttpServerHandle {
  readonly port: number;
  close(): Promise<void>;
}

export interface HttpPort {
  listen(port: number, handlers: HttpHandlers): Promise<HttpServerHandle>;
}
