/** The ECMA-419 HTTP server and WebSocket client of the SDK examples ($MODDABLE/typings/embedded_network/*). */
declare module 'embedded:network/http/server' {
  import type Listener from 'embedded:io/socket/listener';
  import type TCP from 'embedded:io/socket/tcp';

  export interface HTTPRequest {
    method: string;
    path: string;
    headers: Map<string, string>;
  }

  export interface HTTPResponse {
    status: number;
    headers: Map<string, string | number>;
  }

  export interface HTTPConnectionHandlers {
    onRequest?(this: HTTPConnection, request: HTTPRequest): void;
    onReadable?(this: HTTPConnection, count: number): void;
    onResponse?(this: HTTPConnection, response: HTTPResponse): void;
    onWritable?(this: HTTPConnection, count: number): void;
    onDone?(this: HTTPConnection): void;
    onError?(this: HTTPConnection): void;
  }

  export interface HTTPConnection {
    close(): void;
    detach(): TCP;
    accept(options: HTTPConnectionHandlers): void;
    respond(options: HTTPResponse): void;
    read(count?: number): ArrayBuffer | undefined;
    write(bytes?: ByteBuffer): number;
    route: HTTPConnectionHandlers;
    format: 'buffer';
  }

  export interface HTTPServerOptions {
    io: typeof Listener;
    port?: number;
    onConnect(this: HTTPServer, connection: HTTPConnection): void;
  }

  export default class HTTPServer {
    constructor(options: HTTPServerOptions);
    close(): void;
    readonly port: number;
  }
}

declare module 'embedded:network/websocket/client' {
  interface WebSocketClientOptions {
    onReadable?: (this: WebSocketClient, count: number, options: { more: boolean; binary: boolean }) => void;
    onWritable?: (this: WebSocketClient, count: number) => void;
    onControl?: (this: WebSocketClient, opcode: number, data: ArrayBuffer) => void;
    onClose?: (this: WebSocketClient) => void;
    onError?: (this: WebSocketClient) => void;
    format?: 'buffer' | 'number';
    target?: any;
    attach?: { constructor: new (options: any) => any };
    host?: string;
    path?: string;
    port?: number;
    protocol?: string;
    headers?: Map<string, string>;
    dns?: { io: new (options: any) => any };
    socket?: { io: new (options: any) => any };
  }
  interface WebSocketWriteOptions {
    opcode?: number;
    binary?: boolean;
    more?: boolean;
  }
  class WebSocketClient {
    constructor(options: WebSocketClientOptions);
    close(): void;
    write(data: ByteBuffer, options?: WebSocketWriteOptions): number;
    read(): number | ArrayBuffer;
    read(count: number): ArrayBuffer;
    read(buffer: ByteBuffer): number;
    format: 'buffer' | 'number';
    target?: any;
    static readonly text: 1;
    static readonly binary: 2;
    static readonly close: 8;
    static readonly ping: 9;
    static readonly pong: 10;
  }
  export default WebSocketClient;
}
