/** WebSocket channels (budget, slow clients, limit) and asset lookup/revalidation. */
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import type { WebSocketConnection } from '../../../hosts/ports/http';
import { assetResponse, contentTypeFor, createAsset, resolveAsset } from '../../../modules/web_server/assets';
import { WebSocketHub } from '../../../modules/web_server/ws_hub';

class FakeConnection implements WebSocketConnection {
  sent: string[] = [];
  closedWith: number | undefined;
  buffered = 0;
  failing = false;
  send(text: string): void {
    if (this.failing) throw new Error('socket gone');
    this.sent.push(text);
  }
  bufferedAmount(): number {
    return this.buffered;
  }
  close(code?: number): void {
    this.closedWith = code;
  }
}

describe('WebSocketHub', () => {
  let clock: VirtualClock;
  let hub: WebSocketHub;
  beforeEach(() => {
    clock = new VirtualClock();
    hub = new WebSocketHub(clock, { maxClients: 2, maxBufferedBytes: 1000 });
  });

  const join = (path: string) => {
    const connection = new FakeConnection();
    const session = hub.session(path);
    session?.open(connection);
    return { connection, session };
  };

  it('broadcasts to the channel’s clients only, building the message only when someone listens', () => {
    const telemetry = hub.channel('/ws/telemetry');
    hub.channel('/ws/events');
    let built = 0;
    telemetry.broadcast(() => ++built);
    expect(built).toBe(0);
    const a = join('/ws/telemetry');
    const b = join('/ws/events');
    telemetry.broadcast(() => ({ n: ++built }));
    expect(a.connection.sent).toEqual(['{"n":1}']);
    expect(b.connection.sent).toEqual([]);
  });

  it('skips a client whose send buffer is backed up and counts it', () => {
    const channel = hub.channel('/ws/telemetry');
    const slow = join('/ws/telemetry').connection;
    const fast = join('/ws/telemetry').connection;
    slow.buffered = 5000;
    channel.broadcast(() => 1);
    expect([slow.sent.length, fast.sent.length]).toEqual([0, 1]);
    expect(channel.dropped).toBe(1);
    slow.buffered = 0;
    channel.broadcast(() => 2);
    expect(slow.sent).toEqual(['2']);
  });

  it('drops a client whose send throws', () => {
    const channel = hub.channel('/ws/telemetry');
    const broken = join('/ws/telemetry').connection;
    broken.failing = true;
    channel.broadcast(() => 1);
    expect(broken.closedWith).toBe(1011);
    expect(channel.size).toBe(0);
  });

  it('keeps to the per-second budget, refilling with time', () => {
    const channel = hub.channel('/ws/uart', { maxPerSecond: 3 });
    const client = join('/ws/uart').connection;
    for (let i = 0; i < 5; i++) channel.broadcast(() => i);
    expect(client.sent).toEqual(['0', '1', '2']);
    clock.advance(334);
    channel.broadcast(() => 'a');
    channel.broadcast(() => 'b');
    expect(client.sent.slice(3)).toEqual(['"a"']);
  });

  it('closes clients beyond the limit with 1013 and forgets closed ones', () => {
    hub.channel('/ws/a');
    const first = join('/ws/a');
    join('/ws/a');
    const third = join('/ws/a');
    expect(third.connection.closedWith).toBe(1013);
    expect(hub.clients).toBe(2);
    first.session?.closed?.();
    expect(join('/ws/a').connection.closedWith).toBeUndefined();
    expect(hub.refused).toBe(1);
  });

  it('has no session for an unknown path', () => {
    expect(hub.session('/ws/none')).toBeUndefined();
  });
});

describe('assets', () => {
  const crypto = createNodeCrypto();
  const bytes = (text: string) => new Uint8Array(Buffer.from(text));
  const table = new Map([
    ['/index.html', createAsset(crypto, '/index.html', bytes('<html></html>'))],
    ['/app.js', createAsset(crypto, '/app.js', bytes('gz'), 'gzip')],
    ['/docs/index.html', createAsset(crypto, '/docs/index.html', bytes('docs'))],
  ]);

  it('resolves "/", folders and extension-less app routes to index pages', () => {
    expect(resolveAsset(table, '/')).toBe(table.get('/index.html'));
    expect(resolveAsset(table, '/docs/')).toBe(table.get('/docs/index.html'));
    expect(resolveAsset(table, '/settings/mqtt')).toBe(table.get('/index.html'));
    expect(resolveAsset(table, '/missing.png')).toBeUndefined();
  });

  it('tags content by its hash and answers 304 to a matching If-None-Match', () => {
    const asset = table.get('/app.js')!;
    expect(createAsset(crypto, '/other.js', bytes('gz')).etag).toBe(asset.etag);
    expect(assetResponse(asset, undefined)).toMatchObject({ status: 200, headers: { 'Content-Encoding': 'gzip', ETag: asset.etag, Vary: 'Accept-Encoding' } });
    const notModified = assetResponse(asset, `W/${asset.etag}`);
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeUndefined();
    expect(assetResponse(asset, '*').status).toBe(304);
  });

  it.each([
    ['/a.html', 'text/html; charset=utf-8'],
    ['/a.JS', 'text/javascript; charset=utf-8'],
    ['/a.woff2', 'font/woff2'],
    ['/noext', 'application/octet-stream'],
  ])('types %s as %s', (path, type) => {
    expect(contentTypeFor(path)).toBe(type);
  });
});
