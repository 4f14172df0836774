/**
 * The Moddable hosts' own HTTP/1.1 server connection (hosts/esp32/moddable/http1_connection.ts)
 * against a fake socket, in bare XS and on Node: byte-exact responses for fixed-length and chunked
 * bodies (the SDK example server ended chunked bodies with "\n\r\n" instead of "0\r\n\r\n"),
 * keep-alive and pipelining, writes that never exceed the socket's room, request bodies in both
 * framings, limits, WebSocket upgrades and timeouts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForXs } from './support/bundle';
import { resultOf, runInXs } from './support/run_xs';
import { type CaseResult, runHttp1Scenario } from './scenario/http1_scenario';

const OUT = join(process.cwd(), 'build/xs');
const OK_HEAD = (type: string, framing: string, connection = 'keep-alive') => `HTTP/1.1 200 OK\r\ncontent-type: ${type}\r\n${framing}\r\nconnection: ${connection}\r\n\r\n`;
const REFUSAL = (status: string, message: string) =>
  `HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${message.length + 1}\r\nconnection: close\r\n\r\n${message}\n`;

describe('HTTP/1.1 framing of the Moddable hosts (XS and Node)', () => {
  jest.setTimeout(120_000);
  let xs: Record<string, CaseResult>;
  let node: Record<string, CaseResult>;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    bundleForXs('tests/xs/scenario/http1_entry.ts', join(OUT, 'http1_scenario.js'));
    const run = runInXs(join(OUT, 'http1_scenario.js'));
    const failure = run.stdout.split('\n').find((line) => line.startsWith('ERROR '));
    if (failure) throw new Error(`the HTTP scenario failed inside XS: ${failure}\n${run.stderr}`);
    xs = resultOf(run) as Record<string, CaseResult>;
    node = await runHttp1Scenario(() => new Promise<void>((resolve) => setImmediate(resolve)));
  });

  it('writes the same bytes in XS as on Node, and never more than the socket has room for', () => {
    expect(xs).toEqual(node);
    for (const [name, result] of Object.entries(xs)) expect({ name, overran: result.overran }).toEqual({ name, overran: false });
  });

  it('frames a fixed-length body with Content-Length (the core\'s own framing headers are replaced) and keeps the connection', () => {
    expect(xs.fixed.written).toBe(`${OK_HEAD('text/plain', 'content-length: 11')}hello world`);
    expect(xs.fixed.closed).toBe(false);
    expect(xs.split.written).toBe(xs.fixed.written);
  });

  it('frames a streamed body as chunks ending with 0 CRLF CRLF', () => {
    expect(xs.chunked.written).toBe(`${OK_HEAD('text/csv', 'transfer-encoding: chunked')}4\r\na,b\n\r\n4\r\n1,2\n\r\n4\r\n3,4\n\r\n0\r\n\r\n`);
    expect(xs.chunked.written.endsWith('\r\n0\r\n\r\n')).toBe(true);
  });

  it('under backpressure writes at most the room the socket has and sizes chunks to it', () => {
    expect(xs.backpressure.largestWrite).toBeLessThanOrEqual(24);
    expect(xs.backpressure.written).toBe(`${OK_HEAD('text/plain', 'transfer-encoding: chunked')}b\r\n0123456789a\r\n9\r\nbcdefghij\r\nc\r\nKLMNOPQRSTUV\r\n4\r\nWXYZ\r\n0\r\n\r\n`);
  });

  it('closes without the last chunk when the body fails, so the client sees an incomplete response', () => {
    expect(xs.broken.written).toBe(`${OK_HEAD('text/plain', 'transfer-encoding: chunked')}9\r\npart one\n\r\n`);
    expect(xs.broken.closed).toBe(true);
    expect(xs.broken.log).toEqual(['error response body for /broken failed: Error: disk read failed']);
  });

  it('answers pipelined requests in order and honours Connection: close', () => {
    expect(xs.pipelined.written).toBe(
      `${OK_HEAD('text/plain', 'content-length: 11')}hello worldHTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 10\r\nconnection: close\r\n\r\nnot found\n`,
    );
    expect(xs.pipelined.closed).toBe(true);
  });

  it('sends no body for HEAD and 204, and a close-delimited body to HTTP/1.0', () => {
    expect(xs.head.written).toBe(OK_HEAD('text/plain', 'content-length: 11'));
    expect(xs.noContent.written).toBe('HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n');
    expect(xs.http10.written).toBe('HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\nconnection: close\r\n\r\na,b\n1,2\n3,4\n');
    expect(xs.http10.closed).toBe(true);
  });

  it('reads request bodies framed by Content-Length or chunked, across reads, and answers Expect: 100-continue', () => {
    const echo = `${OK_HEAD('text/plain', 'content-length: 20')}POST 11: hello world`;
    expect(xs.postLength.written).toBe(echo);
    expect(xs.postChunked.written).toBe(echo);
    expect(xs.expectContinue.written).toBe(`HTTP/1.1 100 Continue\r\n\r\n${OK_HEAD('text/plain', 'content-length: 10')}POST 2: ok`);
  });

  it('refuses malformed or oversized requests with the right status and closes', () => {
    expect(xs.badLine.written).toBe(REFUSAL('400 Bad Request', 'malformed request line'));
    expect(xs.noHost.written).toBe(REFUSAL('400 Bad Request', 'HTTP/1.1 request without Host'));
    expect(xs.http2.written).toBe(REFUSAL('505 HTTP Version Not Supported', 'only HTTP/1.0 and HTTP/1.1 are served'));
    expect(xs.longLine.written).toBe(REFUSAL('414 URI Too Long', 'request line too long'));
    expect(xs.bigHead.written).toBe(REFUSAL('431 Request Header Fields Too Large', 'request head too large'));
    expect(xs.bothFramings.written).toBe(REFUSAL('400 Bad Request', 'both Transfer-Encoding and Content-Length'));
    expect(xs.badChunk.written).toBe(REFUSAL('400 Bad Request', 'malformed chunk size'));
    for (const name of ['badLine', 'noHost', 'http2', 'longLine', 'bigHead', 'bothFramings', 'badChunk']) expect({ name, closed: xs[name].closed }).toEqual({ name, closed: true });
  });

  it('switches to WebSocket with the accept key, and refuses unknown paths and old versions', () => {
    expect(xs.upgrade.written).toBe('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: accept(abc==)\r\n\r\n');
    expect(xs.upgrade.upgraded).toBe(true);
    expect(xs.upgradeRefused.written).toBe('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    expect(xs.upgradeOldVersion.written).toBe('HTTP/1.1 426 Upgrade Required\r\nsec-websocket-version: 13\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    expect(xs.upgradeRefused.upgraded || xs.upgradeOldVersion.upgraded).toBe(false);
  });

  it('closes an idle keep-alive connection and one whose head never completes', () => {
    expect(xs.idle.closed).toBe(true);
    expect(xs.slowHead.closed).toBe(true);
    expect(xs.slowHead.written).toBe('');
  });
});
