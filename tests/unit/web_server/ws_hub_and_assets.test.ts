/** WebSocket channels (budget, slow clients, limit) and asset lookup/revalidation. */
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import type { WebSocketConnection } from '../../../hosts/ports/http';
import { assetResponse, contentTypeFor, createAsset, gzipAccepted, resolveAsset } from '../../../modules/web_server/assets';
import { originAllowed } from '../../../modules/web_server/origin';
import { type Admission, WebSocketHub } from '../../../modules/web_server/ws_hub';
import { WebSocketTickets } from '../../../modules/web_server/ws_tickets';

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
    this.closedWith ??= code;
  }
}

describe('WebSocketHub', () => {
  let clock: VirtualClock;
  let hub: WebSocketHub;
  beforeEach(() => {
    clock = new VirtualClock();
    hub = new WebSocketHub(clock, { maxClients: 2, maxBufferedBytes: 1000 });
  });

  const join = (path: string, admission: Admission = { address: '10.0.0.1' }) => {
    const connection = new FakeConnection();
    const session = hub.session(path, admission);
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
    expect(hub.counters.refused).toBe(1);
  });

  it('has no session for an unknown path', () => {
    expect(hub.session('/ws/none', { address: 'x' })).toBeUndefined();
  });
});

describe('WebSocketHub admission and eviction (issue 16)', () => {
  let clock: VirtualClock;
  let hub: WebSocketHub;
  const signedIn = (sessionKey: string, address = '10.0.0.9'): Admission => ({ address, identity: { user: 'admin', sessionKey } });
  beforeEach(() => {
    clock = new VirtualClock();
    hub = new WebSocketHub(clock, { maxClients: 8, maxAnonymousClients: 4, maxAnonymousPerAddress: 2, maxPerSession: 3, maxBufferedBytes: 1000, idleTimeoutMs: 60_000, slowClientTimeoutMs: 10_000 });
    hub.channel('/ws/can');
    hub.channel('/ws/telemetry');
  });
  const join = (path: string, admission: Admission) => {
    const connection = new FakeConnection();
    const session = hub.session(path, admission);
    session?.open(connection);
    return { connection, session };
  };

  it('anonymous sockets from many addresses fill only their pool; a signed-in client still gets in', () => {
    const held = Array.from({ length: 8 }, (_, i) => join('/ws/can', { address: `192.0.2.${i}` }).connection);
    expect(held.filter((c) => c.closedWith === undefined)).toHaveLength(4);
    expect(held.filter((c) => c.closedWith === 1013)).toHaveLength(4);
    const dashboard = join('/ws/telemetry', signedIn('s1')).connection;
    expect(dashboard.closedWith).toBeUndefined();
    expect([hub.clients, hub.anonymousClients]).toEqual([5, 4]);
  });

  it('limits anonymous sockets per address and sockets per login', () => {
    const one = Array.from({ length: 3 }, () => join('/ws/can', { address: '192.0.2.1' }).connection);
    expect(one.map((c) => c.closedWith)).toEqual([undefined, undefined, 1013]);
    const login = Array.from({ length: 4 }, () => join('/ws/can', signedIn('s1')).connection);
    expect(login.map((c) => c.closedWith)).toEqual([undefined, undefined, undefined, 1013]);
    expect(join('/ws/can', signedIn('s2')).connection.closedWith).toBeUndefined();
  });

  it('refuses a policy refusal (bad Origin or ticket) with 1008 and counts it', () => {
    expect(join('/ws/can', { address: 'x', refusal: 'origin not allowed' }).connection.closedWith).toBe(1008);
    expect(hub.counters.refusedPolicy).toBe(1);
    expect(hub.clients).toBe(0);
  });

  it('closes a client that sent nothing for the idle time; a ping keeps it', () => {
    hub.start();
    const quiet = join('/ws/can', { address: 'a' });
    const chatty = join('/ws/can', { address: 'b' });
    for (let t = 0; t < 70_000; t += 10_000) {
      clock.advance(10_000);
      chatty.session?.message?.('{"type":"ping"}');
    }
    expect(quiet.connection.closedWith).toBe(1008);
    expect(chatty.connection.closedWith).toBeUndefined();
    expect(hub.counters.evictedIdle).toBe(1);
    hub.stop();
  });

  it('closes a client that stays backed up past the slow-client time, not one that catches up', () => {
    const channel = hub.channel('/ws/slow');
    const slow = join('/ws/slow', { address: 'a' }).connection;
    const recovering = join('/ws/slow', { address: 'b' }).connection;
    slow.buffered = recovering.buffered = 5000;
    channel.broadcast(() => 1);
    clock.advance(6_000);
    recovering.buffered = 0;
    channel.broadcast(() => 2);
    recovering.buffered = 5000;
    clock.advance(6_000);
    channel.broadcast(() => 3);
    expect(slow.closedWith).toBe(1008);
    expect(recovering.closedWith).toBeUndefined();
    expect(recovering.sent).toEqual(['2']);
    expect(hub.counters.evictedSlow).toBe(1);
  });

  it('closeSession ends only that login’s sockets', () => {
    const mine = join('/ws/can', signedIn('s1')).connection;
    const other = join('/ws/can', signedIn('s2')).connection;
    expect(hub.closeSession('s1')).toBe(1);
    expect([mine.closedWith, other.closedWith]).toEqual([1008, undefined]);
  });
});

describe('WebSocket tickets and Origin', () => {
  it('a ticket works once, within its lifetime, and carries its login’s session key', () => {
    const clock = new VirtualClock();
    const tickets = new WebSocketTickets(createNodeCrypto(), clock, { ttlMs: 30_000 });
    const { ticket } = tickets.issue('admin', 'Basic abc');
    expect(tickets.redeem(ticket)).toEqual({ user: 'admin', sessionKey: tickets.sessionKey('Basic abc') });
    expect(tickets.redeem(ticket)).toBeUndefined();
    const late = tickets.issue('admin', 'Basic abc').ticket;
    clock.advance(30_000);
    expect(tickets.redeem(late)).toBeUndefined();
    const revoked = tickets.issue('admin', 'Basic abc').ticket;
    tickets.revokeSession(tickets.sessionKey('Basic abc'));
    expect(tickets.redeem(revoked)).toBeUndefined();
    expect(tickets.sessionKey('Basic abc')).not.toBe(tickets.sessionKey('Basic abd'));
  });

  it('allows no Origin or the gateway’s own, refuses any other', () => {
    expect(originAllowed(undefined, 'gw.local')).toBe(true);
    expect(originAllowed('http://gw.local', 'gw.local')).toBe(true);
    expect(originAllowed('http://192.168.1.5:8080', '192.168.1.5:8080')).toBe(true);
    expect(originAllowed('http://evil.example', 'gw.local')).toBe(false);
    expect(originAllowed('http://gw.local:81', 'gw.local')).toBe(false);
    expect(originAllowed('null', 'gw.local')).toBe(false);
  });
});

describe('Accept-Encoding (issue 16)', () => {
  it('reads q-values and the wildcard', () => {
    expect(gzipAccepted('gzip, deflate, br')).toBe(true);
    expect(gzipAccepted('identity')).toBe(false);
    expect(gzipAccepted('gzip;q=0, *')).toBe(false);
    expect(gzipAccepted('*;q=0.5')).toBe(true);
    expect(gzipAccepted('br;q=1, GZIP;q=0.1')).toBe(true);
    expect(gzipAccepted(undefined)).toBe(true);
    expect(gzipAccepted(undefined, true)).toBe(false);
  });

  it('answers 406 where the host cannot inflate (the device), gzip to everyone who takes it', () => {
    const asset = createAsset(createNodeCrypto(), '/app.js', new Uint8Array([0x1f, 0x8b]), 'gzip');
    const refused = assetResponse(asset, undefined, 'identity');
    expect(refused.status).toBe(406);
    expect(String(refused.body)).toMatch(/curl --compressed/);
    expect(assetResponse(asset, undefined, undefined).headers['Content-Encoding']).toBe('gzip');
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
