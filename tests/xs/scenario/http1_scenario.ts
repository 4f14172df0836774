/**
 * The Moddable hosts' HTTP/1.1 connection against a fake socket: each case feeds request bytes
 * (split as a network would), lets the socket drain a fixed window per turn, and returns exactly
 * what was written. Portable: the framing test runs it in bare XS and on Node.
 */
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import type { HttpHandlers, HttpResponse } from '../../../hosts/ports/http';
import { Http1Connection } from '../../../hosts/esp32/moddable/http1_connection';

export interface CaseResult {
  /** Everything written, as Latin-1 text. */
  written: string;
  closed: boolean;
  upgraded: boolean;
  /** Largest single write, and whether any write went past the room the socket had. */
  largestWrite: number;
  overran: boolean;
  log: string[];
}

class FakeSocket {
  written: number[] = [];
  closed = false;
  room: number;
  largestWrite = 0;
  overran = false;
  #incoming: Uint8Array[] = [];

  constructor(room: number) {
    this.room = room;
  }

  deliver(bytes: Uint8Array): number {
    this.#incoming.push(bytes);
    return bytes.length;
  }

  read(count: number): ArrayBuffer | undefined {
    const next = this.#incoming.shift();
    if (!next) return undefined;
    if (next.length > count) this.#incoming.unshift(next.subarray(count));
    return next.slice(0, count).buffer;
  }

  write(bytes: Uint8Array): number {
    if (bytes.length > this.room) this.overran = true;
    this.largestWrite = Math.max(this.largestWrite, bytes.length);
    for (const b of bytes) this.written.push(b);
    this.room = Math.max(0, this.room - bytes.length);
    return this.room;
  }

  close(): void {
    this.closed = true;
  }
}

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function latin1(bytes: number[]): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

async function* pieces(parts: string[], failAfter?: number): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for (const part of parts) {
    if (failAfter !== undefined && sent === failAfter) throw new Error('disk read failed');
    yield ascii(part);
    sent++;
  }
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of body) for (const b of chunk) text += String.fromCharCode(b);
  return text;
}

const handlers: HttpHandlers = {
  async request(request): Promise<HttpResponse> {
    const path = request.url;
    if (path === '/fixed') return { status: 200, headers: { 'Content-Type': 'text/plain', 'Content-Length': '999' }, body: 'hello world' };
    if (path === '/stream') return { status: 200, headers: { 'content-type': 'text/csv' }, body: pieces(['a,b\n', '1,2\n', '3,4\n']) };
    if (path === '/big') return { status: 200, headers: { 'content-type': 'text/plain' }, body: pieces(['0123456789abcdefghij', 'KLMNOPQRSTUVWXYZ']) };
    if (path === '/broken') return { status: 200, headers: { 'content-type': 'text/plain' }, body: pieces(['part one\n', 'never sent\n'], 1) };
    if (path === '/empty') return { status: 204, headers: {} };
    if (path === '/echo') {
      const text = await readAll(request.body);
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: `${request.method} ${text.length}: ${text}` };
    }
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found\n' };
  },
  websocket(head) {
    return head.url === '/ws' ? { open: () => undefined } : undefined;
  },
};

/** Runs one connection: `sends` are delivered one per turn; the socket drains `room` bytes per turn. */
async function runCase(flush: () => Promise<void>, sends: string[], room = 4096, turns = 40, idleMs = 0): Promise<CaseResult> {
  const clock = new VirtualClock();
  const socket = new FakeSocket(room);
  const log: string[] = [];
  let upgraded = false;
  const connection = new Http1Connection({
    socket,
    handlers,
    remoteAddress: '10.0.0.9',
    clock,
    log: { log: (level, _tag, message) => log.push(`${level} ${message}`) },
    limits: { maxRequestLine: 64, maxHeadBytes: 256, maxHeaders: 8 },
    idleTimeoutMs: 5000,
    acceptKey: (key) => `accept(${key})`,
    onUpgrade: () => (upgraded = true),
    onFinished: () => undefined,
  });
  connection.writable(room);
  for (let turn = 0; turn < turns; turn++) {
    const send = sends[turn];
    if (send !== undefined) connection.readable(socket.deliver(ascii(send)));
    await flush();
    // The network took what was written: the full window is free again.
    if (!connection.closed && socket.room < room) {
      socket.room = room;
      connection.writable(room);
    }
    await flush();
  }
  if (idleMs) clock.advance(idleMs);
  return { written: latin1(socket.written), closed: socket.closed, upgraded, largestWrite: socket.largestWrite, overran: socket.overran, log };
}

const GET = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: gw\r\n${extra}\r\n`;

export async function runHttp1Scenario(flush: () => Promise<void>): Promise<Record<string, CaseResult>> {
  return {
    fixed: await runCase(flush, [GET('/fixed')]),
    pipelined: await runCase(flush, [GET('/fixed') + GET('/nowhere', 'Connection: close\r\n')]),
    split: await runCase(flush, ['GE', 'T /fixed HTTP/1.1\r', '\nHost: gw\r\n', '\r\n']),
    chunked: await runCase(flush, [GET('/stream')]),
    backpressure: await runCase(flush, [GET('/big')], 24),
    broken: await runCase(flush, [GET('/broken')]),
    head: await runCase(flush, [`HEAD /fixed HTTP/1.1\r\nHost: gw\r\n\r\n`]),
    noContent: await runCase(flush, [GET('/empty')]),
    http10: await runCase(flush, ['GET /stream HTTP/1.0\r\n\r\n']),
    postLength: await runCase(flush, ['POST /echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 11\r\n\r\nhello', ' world']),
    postChunked: await runCase(flush, ['POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', '6;ext=1\r\n world\r\n0\r\n\r\n']),
    expectContinue: await runCase(flush, ['POST /echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n', 'ok']),
    badLine: await runCase(flush, ['HELLO\r\n\r\n']),
    noHost: await runCase(flush, ['GET /fixed HTTP/1.1\r\n\r\n']),
    http2: await runCase(flush, ['GET /fixed HTTP/2.0\r\nHost: gw\r\n\r\n']),
    longLine: await runCase(flush, [`GET /${'x'.repeat(80)}`]),
    bigHead: await runCase(flush, [`GET /fixed HTTP/1.1\r\nHost: gw\r\nX-Pad: ${'p'.repeat(300)}\r\n\r\n`]),
    bothFramings: await runCase(flush, ['POST /echo HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n']),
    badChunk: await runCase(flush, ['POST /echo HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']),
    upgrade: await runCase(flush, [GET('/ws', 'Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: abc==\r\n')]),
    upgradeRefused: await runCase(flush, [GET('/nows', 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: abc==\r\n')]),
    upgradeOldVersion: await runCase(flush, [GET('/ws', 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: abc==\r\n')]),
    idle: await runCase(flush, [GET('/fixed')], 4096, 40, 6000),
    slowHead: await runCase(flush, ['GET /fixed HTTP/1.1\r\nHo'], 4096, 40, 6000),
  };
}
