/// <reference path="../../../typings/sdk/crypt.d.ts" />
/// <reference path="../../../typings/sdk/embedded_io.d.ts" />
/// <reference path="../../../typings/sdk/embedded_network.d.ts" />
/**
 * The HTTP port on the SDK's ECMA-419 server, driven through stand-ins that follow the SDK
 * server's documented call order (examples/io/listener/httpserver: onRequest → onReadable… →
 * onResponse → respond → onWritable… → onDone, `detach()` after a 101). What is checked is this
 * project's glue: answers, framing, streaming, errors, the WebSocket hand-over.
 */
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import type { HttpHandlers, HttpRequest, HttpResponse, WebSocketConnection } from '../../../hosts/ports/http';

interface FakeResponse {
  status: number;
  headers: Map<string, string | number>;
}

interface Handlers {
  onRequest?(this: unknown, request: { method: string; path: string; headers: Map<string, string> }): void;
  onReadable?(this: unknown, count: number): void;
  onResponse?(this: unknown, response: FakeResponse): void;
  onWritable?(this: unknown, count: number): void;
  onDone?(this: unknown): void;
  onError?(this: unknown): void;
}

/** One connection as the SDK server presents it to the route handlers. */
class FakeConnection {
  handlers: Handlers = {};
  response: FakeResponse | undefined;
  written: Uint8Array[] = [];
  ended = false;
  done = false;
  detached = false;
  #pending: ArrayBuffer | undefined;
  #remaining: number | true | undefined;
  /** Socket room left, as the server's write() reports it. */
  #room = 0;

  constructor(readonly socket: { remoteAddress: string }) {}

  accept(handlers: Handlers) {
    this.handlers = handlers;
  }
  read(count?: number): ArrayBuffer | undefined {
    const data = this.#pending;
    this.#pending = undefined;
    return count === undefined || !data ? data : data.slice(0, count);
  }
  respond(response: FakeResponse) {
    this.response = response;
    const length = response.headers.get('content-length');
    this.#remaining = response.headers.get('transfer-encoding') === 'chunked' ? true : length === undefined ? undefined : Number(length);
    if (response.status === 101 || this.#remaining === 0) this.#finish();
  }
  write(bytes?: Uint8Array): number {
    if (bytes === undefined) {
      if (this.#remaining !== true) throw new Error('bad data');
      this.ended = true;
      this.#finish();
      return 0;
    }
    if (bytes.length > this.#room) throw new Error('would block');
    this.written.push(bytes.slice());
    this.#room -= bytes.length;
    if (typeof this.#remaining === 'number') {
      this.#remaining -= bytes.length;
      if (this.#remaining === 0) this.#finish();
    }
    return this.#room;
  }
  detach() {
    this.detached = true;
    return this.socket;
  }

  // ——— what the SDK server does ———
  request(method: string, path: string, headers: Record<string, string>, body: string[] = []) {
    this.handlers.onRequest?.call(this, { method, path, headers: new Map(Object.entries(headers)) });
    for (const chunk of body) {
      this.#pending = new Uint8Array(Buffer.from(chunk)).buffer;
      this.handlers.onReadable?.call(this, chunk.length);
    }
    this.handlers.onResponse?.call(this, { status: 200, headers: new Map() });
  }
  /** Socket room reported until the response is done or nothing more is written. */
  drain(room = 64) {
    for (let i = 0; i < 100 && this.response && !this.done; i++) {
      const before = this.written.length;
      this.#room = room;
      this.handlers.onWritable?.call(this, room);
      if (this.written.length === before) return;
    }
  }
  text(): string {
    return Buffer.concat(this.written).toString('utf8');
  }
  #finish() {
    this.done = true;
    this.handlers.onDone?.call(this);
  }
}

/** Listeners the SDK server created (the real Listener inside the project's recording wrapper). */
const mockListeners: { options: { onReadable(count: number): void } }[] = [];
/** How the stand-in server turns an accepted socket into a connection (set per test). */
const mockServerHooks: { connect(socket: unknown, onConnect: (connection: unknown) => void): void } = { connect: () => undefined };
const mockSockets: { options: Record<string, (...args: unknown[]) => void>; writes: { data: Uint8Array; options: unknown }[]; reads: ArrayBuffer[]; room: number }[] = [];
/** The socket reports `room` bytes free, as the SDK WebSocket client's onWritable does. */
function mockWritable(socket: (typeof mockSockets)[number], room: number) {
  socket.room = room;
  socket.options.onWritable(room);
}

jest.mock(
  'embedded:io/socket/listener',
  () => ({
    __esModule: true,
    default: class {
      port: number;
      options: { port: number; onReadable(count: number): void };
      constructor(options: { port: number; onReadable(count: number): void }) {
        this.port = options.port;
        this.options = options;
        mockListeners.push(this);
      }
      read() {
        return { remoteAddress: '192.168.4.2' };
      }
      close() {}
    },
  }),
  { virtual: true },
);

jest.mock(
  'embedded:network/http/server',
  () => ({
    __esModule: true,
    default: class {
      port: number;
      constructor(options: { io: new (o: unknown) => { port: number; read(): unknown }; port: number; onConnect(c: unknown): void }) {
        // As the SDK server: the listener calls back with `this` = the listener; the server reads the socket and hands a connection to onConnect.
        const listener = new options.io({
          port: options.port,
          target: this,
          onReadable(this: { read(): unknown }) {
            mockServerHooks.connect(this.read(), options.onConnect);
          },
        });
        this.port = listener.port;
      }
      close() {}
    },
  }),
  { virtual: true },
);

jest.mock(
  'embedded:network/websocket/client',
  () => ({
    __esModule: true,
    default: class {
      options: Record<string, (...args: unknown[]) => void>;
      writes: { data: Uint8Array; options: unknown }[] = [];
      reads: ArrayBuffer[] = [];
      room = 0;
      constructor(options: Record<string, (...args: unknown[]) => void>) {
        this.options = options;
        mockSockets.push(this);
      }
      write(data: Uint8Array, options: unknown) {
        if (data.length > this.room) throw new Error('would block');
        this.writes.push({ data: data.slice(), options });
        this.room -= data.length;
        return this.room;
      }
      read() {
        return this.reads.shift();
      }
      close() {}
    },
  }),
  { virtual: true },
);

jest.mock(
  'crypt',
  () => {
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    return {
      Digest: class {
        #hash = createHash('sha1');
        write(message: string) {
          this.#hash.update(message);
        }
        close() {
          const out = this.#hash.digest();
          return out.buffer.slice(out.byteOffset, out.byteOffset + out.length);
        }
      },
    };
  },
  { virtual: true },
);

import { SdkHttpPort } from '../../../hosts/esp32/moddable/http_server';

const log = { log: () => undefined };

async function listen(handlers: Partial<HttpHandlers>) {
  const clock = new VirtualClock();
  const port = new SdkHttpPort({ clock, log });
  const full: HttpHandlers = {
    request: handlers.request ?? (() => Promise.resolve({ status: 404, headers: {} })),
    websocket: handlers.websocket ?? (() => undefined),
  };
  const handle = await port.listen({ port: 8080 }, full);
  const listener = mockListeners[mockListeners.length - 1];
  const connect = () => {
    let connection: FakeConnection | undefined;
    mockServerHooks.connect = (socket, onConnect) => {
      connection = new FakeConnection(socket as { remoteAddress: string });
      onConnect(connection);
    };
    listener.options.onReadable(1);
    return connection as FakeConnection;
  };
  return { clock, handle, connect };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SDK HTTP port', () => {
  it('answers with the core response, its length, connection: close, and the peer address', async () => {
    let seen: HttpRequest | undefined;
    const { handle, connect } = await listen({
      request: (request) => {
        seen = request;
        return Promise.resolve({ status: 200, headers: { 'Content-Type': 'application/json', 'Content-Length': '999' }, body: '{"ok":"é"}' });
      },
    });
    expect(handle.port).toBe(8080);
    const connection = connect();
    connection.request('get', '/api/status?x=1', { Accept: 'application/json' });
    await settle();
    connection.drain(4);
    expect(seen).toMatchObject({ method: 'GET', url: '/api/status?x=1', headers: { accept: 'application/json' }, remoteAddress: '192.168.4.2' });
    expect(connection.response?.status).toBe(200);
    expect(Object.fromEntries(connection.response?.headers ?? [])).toEqual({ 'content-type': 'application/json', connection: 'close', 'content-length': 11 });
    expect(connection.written.every((piece) => piece.length <= 4)).toBe(true);
    expect(connection.text()).toBe('{"ok":"é"}');
    expect(connection.done).toBe(true);
  });

  it('streams the request body to the core', async () => {
    const { connect } = await listen({
      request: async (request) => {
        let total = '';
        for await (const chunk of request.body) total += Buffer.from(chunk).toString();
        return { status: 201, headers: {}, body: `got ${total}` };
      },
    });
    const connection = connect();
    connection.request('POST', '/api/config', { 'content-length': '10' }, ['hello', 'world']);
    await settle();
    connection.drain();
    expect(connection.response?.status).toBe(201);
    expect(connection.text()).toBe('got helloworld');
  });

  it('sends a streamed body chunked and ends it', async () => {
    async function* lines() {
      yield new Uint8Array(Buffer.from('a,b\n'));
      await Promise.resolve();
      yield new Uint8Array(Buffer.from('1,2\n'));
    }
    const { connect } = await listen({ request: () => Promise.resolve({ status: 200, headers: { 'content-type': 'text/csv' }, body: lines() }) });
    const connection = connect();
    connection.request('GET', '/api/history/download', {});
    await settle();
    connection.drain();
    for (let i = 0; i < 5 && !connection.done; i++) await settle();
    expect(connection.response?.headers.get('transfer-encoding')).toBe('chunked');
    expect(connection.response?.headers.has('content-length')).toBe(false);
    expect(connection.text()).toBe('a,b\n1,2\n');
    expect(connection.ended).toBe(true);
  });

  it('answers 500 when the core rejects, and no body for HEAD', async () => {
    const { connect } = await listen({ request: (request) => (request.method === 'HEAD' ? Promise.resolve({ status: 200, headers: {}, body: 'x' }) : Promise.reject(new Error('bug'))) });
    const failing = connect();
    failing.request('GET', '/', {});
    await settle();
    failing.drain();
    expect(failing.response?.status).toBe(500);
    expect(failing.text()).toBe('internal error\n');
    const head = connect();
    head.request('HEAD', '/', {});
    await settle();
    expect(head.response?.headers.get('content-length')).toBe(0);
    expect(head.written).toEqual([]);
  });

  it('refuses an upgrade the core does not want with 404 and never detaches', async () => {
    const { connect } = await listen({ websocket: () => undefined });
    const connection = connect();
    connection.request('GET', '/ws/nothing', { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' });
    expect(connection.response?.status).toBe(404);
    expect(connection.detached).toBe(false);
  });

  it('upgrades to a WebSocket (RFC 6455 accept key), then carries text both ways', async () => {
    const received: string[] = [];
    let open: WebSocketConnection | undefined;
    let closed = false;
    const { clock, connect } = await listen({
      websocket: (head) => (head.url === '/ws/telemetry' ? { open: (c) => (open = c), message: (text) => received.push(text), closed: () => (closed = true) } : undefined),
    });
    const connection = connect();
    connection.request('GET', '/ws/telemetry', { upgrade: 'websocket', connection: 'keep-alive, Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' });
    expect(connection.response?.status).toBe(101);
    expect(connection.response?.headers.get('sec-websocket-accept')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(connection.detached).toBe(true);
    const socket = mockSockets[mockSockets.length - 1];
    expect(open).toBeUndefined(); // never inside the upgrade call
    clock.runDue();
    expect(open).toBeDefined();

    // A message larger than the room the socket reports goes out in fragments.
    open?.send('0123456789abcdefghij');
    expect(open?.bufferedAmount()).toBe(20);
    for (let i = 0; i < 3; i++) mockWritable(socket, 8);
    expect(socket.writes.map((w) => [Buffer.from(w.data).toString(), w.options])).toEqual([
      ['01234567', { binary: false, more: true }],
      ['89abcdef', { binary: false, more: true }],
      ['ghij', { binary: false, more: false }],
    ]);
    expect(open?.bufferedAmount()).toBe(0);

    socket.reads.push(new Uint8Array(Buffer.from('{"ty')).buffer, new Uint8Array(Buffer.from('pe":"ping"}')).buffer);
    socket.options.onReadable(4, { more: true, binary: false });
    socket.options.onReadable(11, { more: false, binary: false });
    expect(received).toEqual(['{"type":"ping"}']);

    socket.options.onClose();
    clock.runDue();
    expect(closed).toBe(true);
  });

  it('closes a WebSocket whose client lets too much pile up', async () => {
    let open: WebSocketConnection | undefined;
    const { clock, connect } = await listen({ websocket: () => ({ open: (c) => (open = c) }) });
    connect().request('GET', '/ws/events', { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'AAAAAAAAAAAAAAAAAAAAAA==' });
    clock.runDue();
    const socket = mockSockets[mockSockets.length - 1];
    const big = 'x'.repeat(20 * 1024);
    open?.send(big);
    open?.send(big);
    mockWritable(socket, 200);
    const close = socket.writes.find((w) => (w.options as { opcode?: number }).opcode === 8);
    expect(close && [close.data[0] * 256 + close.data[1], Buffer.from(close.data.subarray(2)).toString()]).toEqual([1008, 'client too slow']);
  });
});

export type { HttpResponse };
