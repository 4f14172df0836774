/** The ECMA-419 WebSocket client of the SDK examples ($MODDABLE/typings/embedded_network/*). */
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
