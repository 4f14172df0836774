/// <reference path="../../../typings/sdk/crypt.d.ts" />
/// <reference path="../../../typings/sdk/embedded_io.d.ts" />
/// <reference path="../../../typings/sdk/embedded_network.d.ts" />
/**
 * The Moddable hosts' HTTP port (hosts/esp32/moddable/http_server.ts) on stand-ins for the SDK's
 * ECMA-419 listener and TCP socket (constructor options, read(count), write → room left, `from`
 * to take a socket over). What is checked is this project's glue: accepting, framing on the wire,
 * the connection limit, the WebSocket hand-over and the WebSocket itself. The connection's
 * framing in depth: tests/xs/http1_framing.test.ts (in XS too).
 */
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import type { HttpHandlers, HttpRequest, HttpResponse, WebSocketConnection } from '../../../hosts/ports/http';

type TcpOptions = { from?: unknown; onReadable?(count: number): void; onWritable?(count: number): void; onError?(): void };

/** Listeners created, and the TCP sockets (server side) the port made. */
const mockListeners: { options: { onReadable(count: number): void }; pending: unknown[] }[] = [];
const mockTcp: { options: TcpOptions; incoming: Uint8Array[]; written: number[]; room: number; closed: boolean; remoteAddress: string }[] = [];
const mockSockets: { options: Record<string, (...args: unknown[]) => void>; attach: unknown; writes: { data: Uint8Array; options: unknown }[]; reads: ArrayBuffer[]; room: number }[] = [];

jest.mock(
  'embedded:io/socket/listener',
  () => ({
    __esModule: true,
    default: class {
      port: number;
      pending: unknown[] = [];
      options: { port: number; onReadable(count: number): void };
      constructor(options: { port: number; onReadable(count: number): void }) {
        this.port = options.port;
        this.options = options;
        mockListeners.push(this);
      }
      read() {
        return this.pending.shift();
      }
      close() {}
    },
  }),
  { virtual: true },
);

jest.mock(
  'embedded:io/socket/tcp',
  () => ({
    __esModule: true,
    default: class {
      options: TcpOptions;
      incoming: Uint8Array[] = [];
      written: number[] = [];
      room = 0;
      closed = false;
      remoteAddress: string;
      constructor(options: TcpOptions) {
        this.options = options;
        this.remoteAddress = (options.from as { remoteAddress?: string } | undefined)?.remoteAddress ?? '';
        mockTcp.push(this);
      }
      read(count: number) {
        const next = this.incoming.shift();
        if (!next) return undefined;
        if (next.length > count) this.incoming.unshift(next.subarray(count));
        return next.slice(0, count).buffer;
      }
      write(bytes: Uint8Array) {
        if (bytes.length > this.room) throw new Error('would block');
        this.written.push(...bytes);
        this.room -= bytes.length;
        return this.room;
      }
      close() {
        this.closed = true;
      }
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
      attach: unknown;
      writes: { data: Uint8Array; options: unknown }[] = [];
      reads: ArrayBuffer[] = [];
      room = 0;
      constructor(options: Record<string, (...args: unknown[]) => void> & { attach: unknown }) {
        this.options = options;
        this.attach = options.attach;
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
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** The socket reports `room` bytes free, as the SDK WebSocket client's onWritable does. */
function mockWritable(socket: (typeof mockSockets)[number], room: number) {
  socket.room = room;
  socket.options.onWritable(room);
}

async function listen(handlers: Partial<HttpHandlers>, maxConnections?: number) {
  const clock = new VirtualClock();
  const port = new SdkHttpPort({ clock, log, maxConnections });
  const full: HttpHandlers = {
    request: handlers.request ?? (() => Promise.resolve({ status: 404, headers: {} })),
    websocket: handlers.websocket ?? (() => undefined),
  };
  const handle = await port.listen({ port: 8080 }, full);
  const listener = mockListeners[mockListeners.length - 1];
  /** A client connects: the listener has a socket, the port wraps it; the socket has `room` to write. */
  const connect = (address = '192.168.4.2', room = 1460) => {
    listener.pending.push({ remoteAddress: address });
    listener.options.onReadable(1);
    const tcp = mockTcp[mockTcp.length - 1];
    tcp.room = room;
    tcp.options.onWritable?.(room);
    return {
      tcp,
      send(text: string) {
        tcp.incoming.push(new Uint8Array(Buffer.from(text)));
        tcp.options.onReadable?.(text.length);
      },
      /** The network took what was written. */
      drain(room = 1460) {
        tcp.room = room;
        tcp.options.onWritable?.(room);
      },
      text: () => Buffer.from(tcp.written).toString('latin1'),
    };
  };
  return { clock, handle, connect };
}

const UPGRADE = (path: string, key = 'dGhlIHNhbXBsZSBub25jZQ==') =>
  `GET ${path} HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`;

describe('Moddable HTTP port (own HTTP/1.1 server on the ECMA-419 listener and TCP socket)', () => {
  it('answers with the core response and its byte length, keeps the connection, and tells the core the peer', async () => {
    let seen: HttpRequest | undefined;
    const { handle, connect } = await listen({
      request: (request) => {
        seen = request;
        return Promise.resolve({ status: 200, headers: { 'Content-Type': 'application/json', 'Content-Length': '999' }, body: '{"ok":"é"}' });
      },
    });
    expect(handle.port).toBe(8080);
    const client = connect('192.168.4.7');
    client.send('GET /api/status?x=1 HTTP/1.1\r\nHost: gw\r\nAccept: */*\r\n\r\n');
    await settle();
    expect(seen).toMatchObject({ method: 'GET', url: '/api/status?x=1', remoteAddress: '192.168.4.7', headers: { host: 'gw', accept: '*/*' } });
    expect(client.text()).toBe('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n{"ok":"Ã©"}');
    expect(client.tcp.closed).toBe(false);
  });

  it('streams a response chunked across writable callbacks and ends it with 0 CRLF CRLF (the SDK example wrote "\\n\\r\\n")', async () => {
    async function* rows() {
      yield new Uint8Array(Buffer.from('timestamp,voltage\n'));
      yield new Uint8Array(Buffer.from('1,52.1\n'));
    }
    const { connect } = await listen({ request: () => Promise.resolve({ status: 200, headers: { 'content-type': 'text/csv' }, body: rows() }) });
    const client = connect('192.168.4.2', 64);
    client.send('GET /api/history/download HTTP/1.1\r\nHost: gw\r\n\r\n');
    for (let i = 0; i < 10; i++) {
      await settle();
      client.drain(64);
    }
    expect(client.text()).toBe('HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ntransfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n12\r\ntimestamp,voltage\n\r\n7\r\n1,52.1\n\r\n0\r\n\r\n');
  });

  it('answers 503 and closes when every connection is busy at the limit; a closed connection frees its place', async () => {
    const answers: ((response: HttpResponse) => void)[] = [];
    const { connect } = await listen({ request: () => new Promise<HttpResponse>((resolve) => answers.push(resolve)) }, 1);
    const first = connect();
    first.send('GET / HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    await settle();
    const second = connect();
    await settle();
    expect(second.text()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*connection: close\r\n\r\ntoo many connections, try again\n$/);
    expect(second.tcp.closed).toBe(true);
    expect(first.tcp.closed).toBe(false);
    answers[0]({ status: 204, headers: {} });
    await settle();
    expect(first.tcp.closed).toBe(true);
    const third = connect();
    third.send('GET / HTTP/1.1\r\nHost: gw\r\n\r\n');
    await settle();
    answers[1]({ status: 204, headers: {} });
    await settle();
    expect(third.text()).toBe('HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n');
  });

  it('at the limit, closes the keep-alive connection idle the longest to make room (a browser holds several)', async () => {
    const { clock, connect } = await listen({ request: () => Promise.resolve({ status: 204, headers: {} }) }, 2);
    const older = connect();
    const newer = connect();
    older.send('GET /a HTTP/1.1\r\nHost: gw\r\n\r\n');
    await settle();
    clock.advance(1000);
    newer.send('GET /b HTTP/1.1\r\nHost: gw\r\n\r\n');
    await settle();
    clock.advance(1000);
    // a third connection, then a fourth: each replaces the longest-idle one, never a busy one
    const third = connect();
    expect(older.tcp.closed).toBe(true);
    expect(newer.tcp.closed).toBe(false);
    third.send('GET /c HTTP/1.1\r\nHost: gw\r\n'); // head not complete: busy
    await settle();
    const fourth = connect();
    expect(newer.tcp.closed).toBe(true);
    expect(third.tcp.closed).toBe(false);
    third.send('\r\n');
    fourth.send('GET /d HTTP/1.1\r\nHost: gw\r\n\r\n');
    await settle();
    expect(third.text()).toBe('HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n');
    expect(fourth.text()).toBe('HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n');
    expect(older.text()).toBe('HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n');
  });

  it('answers 500 when the core rejects', async () => {
    const { connect } = await listen({ request: () => Promise.reject(new Error('bug')) });
    const client = connect();
    client.send('GET /x HTTP/1.1\r\nHost: gw\r\n\r\n');
    await settle();
    await settle();
    expect(client.text()).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n[\s\S]*\r\n\r\ninternal error\n$/);
  });

  it('refuses an upgrade the core does not want with 404 and no hand-over', async () => {
    const before = mockSockets.length;
    const { connect } = await listen({ websocket: () => undefined });
    const client = connect();
    client.send(UPGRADE('/ws/nothing'));
    expect(client.text()).toBe('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    expect(mockSockets.length).toBe(before);
  });

  it('upgrades to a WebSocket (RFC 6455 accept key) on the same socket, then carries text both ways', async () => {
    const received: string[] = [];
    let open: WebSocketConnection | undefined;
    let closed = false;
    const { clock, connect } = await listen({
      websocket: (head) => (head.url === '/ws/telemetry' ? { open: (c) => (open = c), message: (text) => received.push(text), closed: () => (closed = true) } : undefined),
    });
    const client = connect();
    client.send(UPGRADE('/ws/telemetry'));
    expect(client.text()).toBe('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n');
    const socket = mockSockets[mockSockets.length - 1];
    // The WebSocket takes over the server's socket (a new TCP made `from` it).
    expect((socket.attach as { options: TcpOptions }).options.from).toBe(client.tcp);
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
    connect().send(UPGRADE('/ws/events', 'AAAAAAAAAAAAAAAAAAAAAA=='));
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
