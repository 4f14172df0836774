/** mqtt_client policy on the virtual clock with a scripted transport. */
import { backoffDelayMs } from '../../../modules/mqtt_client/backoff';
import { MqttClient, type MqttClientOptions } from '../../../modules/mqtt_client/mqtt_client';
import { BoundedOutbox } from '../../../modules/mqtt_client/outbox';
import { sessionOptions } from '../../../modules/mqtt_client/session_options';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import { createTestContext, eventsNamed, type TestContext } from './support/context';

function startClient(t: TestContext, options: MqttClientOptions = {}): MqttClient {
  const client = new MqttClient(t.ctx, options);
  client.start();
  t.clock.runDue();
  return client;
}

describe('backoffDelayMs', () => {
  it('doubles from 1 s and stays at 32 s', () => {
    expect(Array.from({ length: 9 }, (_, n) => backoffDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 32000, 32000, 32000]);
  });

  it('scales with a shorter base and never overflows', () => {
    expect([0, 1, 2, 5, 6].map((n) => backoffDelayMs(n, 100, 3200))).toEqual([100, 200, 400, 3200, 3200]);
    expect(backoffDelayMs(10_000)).toBe(32000);
  });
});

describe('BoundedOutbox', () => {
  const m = (n: number, key?: string) => ({ n, key });
  const ns = (box: BoundedOutbox<{ n: number; key?: string }>) => {
    const out: number[] = [];
    for (let item = box.shift(); item; item = box.shift()) out.push(item.n);
    return out;
  };

  it('drops and counts the oldest unkeyed message when full', () => {
    const box = new BoundedOutbox<{ n: number; key?: string }>(3);
    expect([1, 2, 3].map((n) => box.push(m(n)))).toEqual([undefined, undefined, undefined]);
    expect(box.push(m(4))?.n).toBe(1);
    expect(box.dropped).toBe(1);
    expect(box.requeueAtFront([m(10), m(11)]).map((x) => x.n)).toEqual([10, 11]);
    expect(box.dropped).toBe(3);
    expect(ns(box)).toEqual([2, 3, 4]);
  });

  it('keeps the first and the newest message of each key, coalescing the repeats between', () => {
    const box = new BoundedOutbox<{ n: number; key?: string }>(10);
    for (let n = 1; n <= 5; n++) box.push(m(n, 'OVER_TEMP'));
    box.push(m(6, 'UNDER_VOLTAGE'));
    box.push(m(7, 'OVER_TEMP'));
    expect(box.coalesced).toBe(4);
    expect(box.dropped).toBe(0);
    expect(ns(box)).toEqual([1, 6, 7]);
  });

  it('when full, drops repeats and unkeyed messages before any first raise, and a new first only when all are firsts', () => {
    const box = new BoundedOutbox<{ n: number; key?: string }>(4);
    box.push(m(1, 'A'));
    box.push(m(2));
    box.push(m(3, 'A'));
    box.push(m(4, 'B'));
    expect(box.push(m(5, 'C'))?.n).toBe(2);
    expect(box.push(m(6, 'D'))?.n).toBe(3);
    expect(box.push(m(7, 'E'))?.n).toBe(7);
    expect(box.dropped).toBe(3);
    expect(ns(box)).toEqual([1, 4, 5, 6]);
  });
});

describe('sessionOptions', () => {
  const mqtt = { ...defaultConfig().mqtt, enabled: true };

  it('explains a missing or malformed URI', () => {
    expect(sessionOptions({ ...mqtt, broker_uri: '' }, 'gw')).toEqual({ ok: false, error: 'no broker URI configured' });
    const bad = sessionOptions({ ...mqtt, broker_uri: 'http://x' }, 'gw');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toContain('mqtt://host[:port]');
  });

  it('adds TLS material only for mqtts:// and insists on cert and key together', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n';
    const plain = sessionOptions({ ...mqtt, broker_uri: 'mqtt://b', ca_cert: pem }, 'gw');
    expect(plain.ok && plain.options.tls).toBeUndefined();
    const secure = sessionOptions({ ...mqtt, broker_uri: 'mqtts://b:8883', ca_cert: pem, client_cert: pem, client_key: 'key' }, 'gw');
    expect(secure.ok && secure.options.tls).toEqual({ ca: pem, cert: pem, key: 'key' });
    const half = sessionOptions({ ...mqtt, broker_uri: 'mqtts://b', client_cert: pem }, 'gw');
    expect(half).toEqual({ ok: false, error: 'a client certificate needs its private key (and a key its certificate)' });
  });

  it('sends credentials only with a user name', () => {
    const anonymous = sessionOptions({ ...mqtt, broker_uri: 'mqtt://b', password: 'secret' }, 'gw');
    expect(anonymous.ok && anonymous.options.password).toBeUndefined();
    const user = sessionOptions({ ...mqtt, broker_uri: 'mqtt://b', username: 'u', password: 'p', keepalive_s: 30 }, 'gw');
    expect(user.ok && [user.options.username, user.options.password, user.options.keepaliveS]).toEqual(['u', 'p', 30]);
  });
});

describe('MqttClient reconnect policy', () => {
  it('retries a refusing broker after 1, 2, 4, 8, 16, 32, 32, 32 s', () => {
    const t = createTestContext();
    t.transport.behaviour = 'refuse';
    const client = startClient(t);
    t.clock.advance(1000 + 2000 + 4000 + 8000 + 16000 + 32000 * 3);
    expect(t.transport.attemptGaps()).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 32000, 32000]);
    const status = client.status();
    expect(status.state).toBe('waiting_retry');
    expect(status.reconnects).toBe(8);
    expect(status.last_error).toBe('connection refused by 127.0.0.1:1883');
    expect(status.next_retry_in_ms).toBe(32000);
    expect(client.metrics().connect_failures_total).toBe(9);
  });

  it('starts again at 1 s after a stable session, but keeps growing after a short one', () => {
    const t = createTestContext();
    t.transport.behaviour = 'refuse';
    startClient(t, { stableSessionMs: 10000 });
    t.clock.advance(1000 + 2000); // three failures: next delay would be 4 s
    t.transport.behaviour = 'accept';
    t.clock.advance(4000);
    expect(t.events.map((e) => e.name)).toEqual(['mqtt.connected']);
    t.clock.advance(2000);
    const delayAfterDrop = () => {
      const droppedAt = t.clock.now();
      t.transport.last.drop('connection closed by the broker');
      t.clock.advance(60000);
      return t.transport.connections.find((c) => c.openedAt > droppedAt)!.openedAt - droppedAt;
    };
    const afterShortSession = delayAfterDrop(); // lived 2 s: not stable
    t.clock.advance(20000);
    const afterStableSession = delayAfterDrop(); // lived well over 10 s
    expect([afterShortSession, afterStableSession]).toEqual([8000, 1000]);
  });

  it('gives up on a silent broker after the connect timeout and retries', () => {
    const t = createTestContext();
    t.transport.behaviour = 'silent';
    const client = startClient(t, { connectTimeoutMs: 5000 });
    t.clock.advance(5000);
    expect(t.transport.connections[0].closedByClient).toBe(true);
    expect(client.status().last_error).toBe('no answer from mqtt://127.0.0.1:1883 within 5 s');
    t.clock.advance(1000);
    expect(t.transport.connections).toHaveLength(2);
  });

  it('announces connected and disconnected, but not failed attempts', () => {
    const t = createTestContext();
    startClient(t);
    t.clock.runDue();
    t.transport.last.drop('keepalive timeout');
    t.transport.behaviour = 'refuse';
    t.clock.advance(1000 + 2000);
    expect(eventsNamed(t.events, 'mqtt.connected')).toEqual([{ broker: 'mqtt://127.0.0.1:1883' }]);
    expect(eventsNamed(t.events, 'mqtt.disconnected')).toEqual([{ reason: 'keepalive timeout' }]);
  });

  it('passes the configured session settings and the will to the transport', () => {
    const t = createTestContext({ client_id: 'gw-7', keepalive_s: 15, username: 'u', password: 'p' });
    const will = { topic: 'x/availability', payload: 'offline', qos: 1 as const, retain: true };
    startClient(t, { will: (mqtt) => ({ ...will, topic: `${mqtt.topic_prefix}/availability` }) });
    expect(t.transport.last.options).toEqual({
      uri: 'mqtt://127.0.0.1:1883',
      clientId: 'gw-7',
      keepaliveS: 15,
      username: 'u',
      password: 'p',
      will: { ...will, topic: 'tinybms/availability' },
    });
  });
});

describe('MqttClient status and identity', () => {
  it('clears last_error once a session is up again, and keeps the last disconnect reason', () => {
    const t = createTestContext();
    t.transport.behaviour = 'refuse';
    const client = startClient(t);
    expect(client.status().last_error).toBe('connection refused by 127.0.0.1:1883');
    t.transport.behaviour = 'accept';
    t.clock.advance(1000);
    t.clock.runDue();
    expect(client.status()).toEqual(expect.objectContaining({ state: 'connected', last_error: '', last_disconnect_reason: '' }));
    t.clock.advance(60_000);
    t.transport.last.drop('no answer from the broker within the keepalive (60 s)');
    t.clock.runDue();
    t.clock.advance(1000);
    t.clock.runDue();
    expect(client.status()).toEqual(
      expect.objectContaining({ state: 'connected', last_error: '', last_disconnect_reason: 'no answer from the broker within the keepalive (60 s)' }),
    );
  });

  it('names a session takeover when the broker closes sessions soon after accepting them, twice in a row', () => {
    const t = createTestContext({ client_id: 'shared' });
    const client = startClient(t);
    t.clock.runDue();
    t.clock.advance(300);
    t.transport.last.drop('connection closed by the broker', true);
    t.clock.runDue();
    // Once could be a broker shutting down right after accepting us.
    expect(client.status().last_error).toBe('connection closed by the broker');
    t.clock.advance(1000);
    t.clock.runDue();
    t.clock.advance(300);
    t.transport.last.drop('connection closed by the broker', true);
    t.clock.runDue();
    expect(client.status().last_error).toBe(
      'the broker closed the session 0.3 s after accepting it: another client with the same id "shared" is probably connected (give each gateway its own client id)',
    );
    expect(client.metrics().session_takeovers_total).toBe(1);
    // A long session closed by the broker (a broker restart) is not called a takeover.
    t.clock.advance(1000);
    t.clock.runDue();
    t.clock.advance(60_000);
    t.transport.last.drop('connection closed by the broker', true);
    t.clock.runDue();
    expect(client.status().last_error).toBe('connection closed by the broker');
  });

  it('defaults the client id to tinybms-gw-<device id>, and a configured id wins', () => {
    const t = createTestContext({ client_id: '' });
    const client = startClient(t, { deviceId: () => 'a1b2c3d4e5f6' });
    expect(t.transport.last.options.clientId).toBe('tinybms-gw-a1b2c3d4e5f6');
    expect(client.status().client_id).toBe('tinybms-gw-a1b2c3d4e5f6');
    t.updateMqtt({ client_id: 'garage' });
    t.clock.runDue();
    expect(t.transport.last.options.clientId).toBe('garage');
  });

  it('opens no throw-away session when the configuration it already uses is announced (boot)', () => {
    const t = createTestContext();
    startClient(t);
    t.clock.runDue();
    // config_manager announces the stored configuration after modules started with it.
    t.bus.publish('config.updated', { config: t.ctx.config(), changed: ['mqtt.enabled', 'mqtt.broker_uri'] });
    t.clock.runDue();
    expect(t.transport.connections).toHaveLength(1);
    expect(t.transport.last.closedByClient).toBe(false);
  });
});

describe('MqttClient QoS 1 outbox', () => {
  it('keeps at most the capacity while offline, drops the oldest and counts them', () => {
    const t = createTestContext();
    t.transport.behaviour = 'refuse';
    const client = startClient(t, { queueCapacity: 5 });
    const outcomes = Array.from({ length: 8 }, (_, i) => client.publish('tinybms/alerts', `a${i}`, { qos: 1, retain: false }));
    expect(outcomes.every((o) => o === 'queued')).toBe(true);
    expect([client.status().queued_count, client.status().dropped_count]).toEqual([5, 3]);
    t.transport.behaviour = 'accept';
    t.clock.advance(1000);
    t.clock.runDue();
    expect(t.transport.last.sent.map((m) => m.payload)).toEqual(['a3', 'a4', 'a5', 'a6', 'a7']);
    t.transport.last.ackAll();
    t.clock.runDue();
    expect([client.status().queued_count, client.status().published_count, client.status().dropped_count]).toEqual([0, 5, 3]);
  });

  it('sends no more than the in-flight window before acknowledgements arrive', () => {
    const t = createTestContext();
    const client = startClient(t, { inflightWindow: 2 });
    t.clock.runDue();
    for (let i = 0; i < 5; i++) client.publish('t', `m${i}`, { qos: 1, retain: false });
    expect(t.transport.last.sent.map((m) => m.payload)).toEqual(['m0', 'm1']);
    t.transport.last.ackFirst(1);
    t.clock.runDue();
    expect(t.transport.last.sent.map((m) => m.payload)).toEqual(['m0', 'm1', 'm2']);
    expect(client.status().inflight_count).toBe(2);
  });

  it('resends unacknowledged messages first, in order, after the connection drops', () => {
    const t = createTestContext();
    const client = startClient(t);
    t.clock.runDue();
    ['a', 'b', 'c'].forEach((p) => client.publish('t', p, { qos: 1, retain: false }));
    t.transport.last.ackFirst(1);
    t.clock.runDue();
    t.transport.last.drop('connection reset');
    t.clock.runDue();
    client.publish('t', 'd', { qos: 1, retain: false });
    expect(client.status().queued_count).toBe(3);
    t.clock.advance(1000);
    t.clock.runDue();
    expect(t.transport.last.sent.map((m) => m.payload)).toEqual(['b', 'c', 'd']);
    t.transport.last.ackAll();
    t.clock.runDue();
    expect(client.status().published_count).toBe(4);
  });

  it('does not queue QoS 0 messages while offline', () => {
    const t = createTestContext();
    t.transport.behaviour = 'refuse';
    const client = startClient(t);
    expect(client.publish('tinybms/voltage', '53.1', { qos: 0, retain: true })).toBe('skipped_offline');
    expect([client.status().queued_count, client.metrics().skipped_offline_total]).toEqual([0, 1]);
  });
});

describe('MqttClient subscriptions', () => {
  it('subscribes in every session and routes messages of the current one only', () => {
    const t = createTestContext();
    const client = startClient(t);
    const received: string[] = [];
    client.subscribe('homeassistant/status', (payload) => received.push(String.fromCharCode(...payload)));
    t.clock.runDue();
    const first = t.transport.last;
    expect(first.subscriptions).toEqual(['homeassistant/status']);
    first.deliver('homeassistant/status', 'online');
    first.deliver('other/topic', 'ignored');
    t.clock.runDue();
    first.drop('connection reset');
    first.deliver('homeassistant/status', 'late');
    t.clock.advance(1000);
    t.clock.runDue();
    expect(t.transport.last).not.toBe(first);
    expect(t.transport.last.subscriptions).toEqual(['homeassistant/status']);
    expect(received).toEqual(['online']);
  });
});

describe('MqttClient configuration', () => {
  it('reconnects at once to a new broker and says offline on the old session first', () => {
    const t = createTestContext();
    const client = startClient(t, { will: (mqtt) => ({ topic: `${mqtt.topic_prefix}/availability`, payload: 'offline', qos: 1, retain: true }) });
    t.clock.runDue();
    const first = t.transport.last;
    t.updateMqtt({ broker_uri: 'mqtt://10.0.0.2:1884' });
    t.clock.runDue();
    expect(first.closedByClient).toBe(true);
    expect(first.sent).toEqual([expect.objectContaining({ topic: 'tinybms/availability', payload: 'offline', qos: 0, retain: true })]);
    expect(t.transport.connections.map((c) => c.options.uri)).toEqual(['mqtt://127.0.0.1:1883', 'mqtt://10.0.0.2:1884']);
    expect(t.transport.last.openedAt).toBe(first.openedAt);
    t.clock.runDue();
    expect(client.status()).toEqual(expect.objectContaining({ state: 'connected', broker: 'mqtt://10.0.0.2:1884', reconnects: 0 }));
  });

  it('reconnects right away when a config change ends a long backoff', () => {
    const t = createTestContext();
    t.transport.behaviour = 'refuse';
    startClient(t);
    t.clock.advance(1000 + 2000 + 4000 + 8000 + 16000); // now waiting 32 s
    t.transport.behaviour = 'accept';
    t.updateMqtt({ broker_uri: 'mqtt://fixed.example:1883' });
    t.clock.runDue();
    t.clock.runDue();
    expect(eventsNamed(t.events, 'mqtt.connected')).toEqual([{ broker: 'mqtt://fixed.example:1883' }]);
  });

  it('leaves the session alone when only discovery settings change', () => {
    const t = createTestContext();
    startClient(t);
    t.clock.runDue();
    t.updateMqtt({ discovery_prefix: 'ha' });
    t.clock.runDue();
    expect(t.transport.connections).toHaveLength(1);
    expect(t.transport.last.closedByClient).toBe(false);
  });

  it('disconnects when disabled, refuses publishes, and connects again when enabled', () => {
    const t = createTestContext();
    const client = startClient(t);
    t.clock.runDue();
    t.updateMqtt({ enabled: false });
    t.clock.advance(60000);
    expect(t.transport.connections).toHaveLength(1);
    expect(t.transport.last.closedByClient).toBe(true);
    expect(client.status().state).toBe('disabled');
    expect(client.publish('tinybms/alerts', '{}', { qos: 1, retain: false })).toBe('disabled');
    expect(eventsNamed(t.events, 'mqtt.disconnected')).toEqual([{ reason: 'configuration changed' }]);
    t.updateMqtt({ enabled: true });
    t.clock.runDue();
    t.clock.runDue();
    expect(client.status().state).toBe('connected');
  });

  it('does not retry without a broker URI or transport, and says why', () => {
    const t = createTestContext({ broker_uri: '' });
    const client = startClient(t);
    t.clock.advance(100000);
    expect(t.transport.connections).toHaveLength(0);
    expect([client.status().state, client.status().last_error]).toEqual(['unconfigured', 'no broker URI configured']);
    const bare = createTestContext({}, { withTransport: false });
    const noPort = startClient(bare);
    expect([noPort.status().state, noPort.status().last_error]).toEqual(['unavailable', 'this host has no MQTT transport']);
  });

  it('stop closes the session and cancels the retry timer', () => {
    const t = createTestContext();
    t.transport.behaviour = 'refuse';
    const client = startClient(t);
    client.stop();
    t.clock.advance(100000);
    expect(t.transport.connections).toHaveLength(1);
    expect(client.status().state).toBe('stopped');
  });
});

describe('MqttClient.testConnection', () => {
  it('answers ok without touching the live session', async () => {
    const t = createTestContext();
    const client = startClient(t);
    t.clock.runDue();
    const live = t.transport.last;
    const pending = client.testConnection({ broker_uri: 'mqtt://other:1883' });
    t.clock.runDue();
    const result = await pending;
    expect(result).toEqual({ ok: true, broker: 'mqtt://other:1883', error: '', duration_ms: 0 });
    expect(t.transport.last.options.clientId).toBe('tinybms-gw-test');
    expect(t.transport.last.closedByClient).toBe(true);
    expect(live.closedByClient).toBe(false);
  });

  it('reports the refusal reason, or a timeout', async () => {
    const t = createTestContext();
    t.transport.behaviour = 'refuse';
    t.transport.refusal = 'broker refused the session: bad user name or password';
    const client = new MqttClient(t.ctx);
    const refused = client.testConnection();
    t.clock.runDue();
    expect(await refused).toEqual(expect.objectContaining({ ok: false, error: 'broker refused the session: bad user name or password' }));
    t.transport.behaviour = 'silent';
    const silent = client.testConnection({}, 3000);
    t.clock.advance(3000);
    expect(await silent).toEqual({ ok: false, broker: 'mqtt://127.0.0.1:1883', error: 'no answer from mqtt://127.0.0.1:1883 within 3 s', duration_ms: 3000 });
    expect(t.transport.last.closedByClient).toBe(true);
  });

  it('rejects unusable settings before opening anything', async () => {
    const t = createTestContext();
    const client = new MqttClient(t.ctx);
    expect(await client.testConnection({ broker_uri: 'ftp://x' })).toEqual(expect.objectContaining({ ok: false }));
    expect(t.transport.connections).toHaveLength(0);
  });
});
