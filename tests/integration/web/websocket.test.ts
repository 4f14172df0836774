/**
 * WebSockets with a real `ws` client: telemetry once per period of virtual time with the
 * contract's fields, alerts pushed on raise and clear, events, UART and CAN frames, unknown
 * paths and the client limit. A ping/pong round trip is the barrier that proves no further
 * message was sent (the server writes in order, so everything sent before the pong is in).
 */
import WebSocket from 'ws';
import { basicAuth, jsonOf, mutationHeaders, startWebGateway, type WebGateway, type WebGatewayOptions } from './support/web_gateway';

interface Client {
  socket: WebSocket;
  messages: Record<string, any>[];
  /** Resolves once every message the server sent so far has arrived. */
  sync(): Promise<void>;
  /** The next message of `predicate`, waiting for it if needed. */
  waitFor(predicate: (m: Record<string, any>) => boolean): Promise<Record<string, any>>;
  closed: Promise<{ code: number; reason: string }>;
}

function connect(gw: WebGateway, path: string, headers: Record<string, string> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${gw.wsBase}${path}`, { headers });
    const messages: Record<string, any>[] = [];
    const waiters: (() => void)[] = [];
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)));
      for (const wake of waiters.splice(0)) wake();
    });
    const closed = new Promise<{ code: number; reason: string }>((done) => socket.on('close', (code, reason) => done({ code, reason: String(reason) })));
    socket.on('error', reject);
    socket.on('open', () =>
      resolve({
        socket,
        messages,
        closed,
        sync: () =>
          new Promise<void>((done) => {
            socket.once('pong', () => done());
            socket.ping();
          }),
        async waitFor(predicate) {
          for (;;) {
            const found = messages.find(predicate);
            if (found) return found;
            await new Promise<void>((wake) => waiters.push(wake));
          }
        },
      }),
    );
  });
}

describe('WebSockets', () => {
  let gw: WebGateway;
  const clients: Client[] = [];
  const start = async (options: WebGatewayOptions = {}) => {
    gw = await startWebGateway(options);
  };
  const open = async (path: string, headers: Record<string, string> = {}) => {
    const client = await connect(gw, path, headers);
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await gw.close();
  });

  describe('/ws/telemetry', () => {
    it('greets with the current state, then sends exactly one message per second of virtual time', async () => {
      await start();
      gw.clock.advance(2_000);
      const client = await open('/ws/telemetry');
      await client.sync();
      expect(client.messages).toHaveLength(1);

      gw.clock.advance(999);
      await client.sync();
      expect(client.messages).toHaveLength(1);
      gw.clock.advance(1);
      await client.sync();
      expect(client.messages).toHaveLength(2);
      gw.clock.advance(5_000);
      await client.sync();
      expect(client.messages).toHaveLength(7);
      expect(client.messages.every((m) => m.type === 'telemetry')).toBe(true);
    });

    it('carries the contract’s fields, fresh from the poller', async () => {
      await start();
      gw.clock.advance(2_000);
      const client = await open('/ws/telemetry');
      gw.clock.advance(1_000);
      await client.sync();
      const { data } = client.messages[client.messages.length - 1];
      for (const field of ['state_of_charge_pct', 'state_of_health_pct', 'pack_voltage_v', 'pack_current_a', 'power_w', 'min_cell_voltage_mv', 'max_cell_voltage_mv', 'timestamp', 'timestamp_ms', 'age_ms']) {
        expect([field, typeof data[field]]).toEqual([field, 'number']);
      }
      expect(data.data_valid).toBe(true);
      expect(data.cell_voltage_mv).toHaveLength(16);
      expect(data.temperatures_c.length).toBeGreaterThan(0);
      expect(Array.isArray(data.balancing_cells)).toBe(true);
      expect(data.timestamp).toBe(gw.clock.wallTime());
      expect(data.charged_energy_wh).toBe(1234.5);
      expect(data.pack_voltage_v).toBeCloseTo(gw.poller.latest()!.pack_voltage_v, 6);
    });

    it('says data_valid false, with no values, before the BMS answered', async () => {
      await start({ bms: false });
      const client = await open('/ws/telemetry');
      gw.clock.advance(1_000);
      await client.sync();
      const { data } = client.messages[1];
      expect(data).toMatchObject({ data_valid: false, age_ms: null, timestamp: gw.clock.wallTime() });
      for (const field of ['pack_voltage_v', 'state_of_charge_pct', 'cell_voltage_mv']) expect(data).not.toHaveProperty(field);
    });

    it('follows the configured period', async () => {
      await start({ server: { telemetryPeriodMs: 250 } });
      const client = await open('/ws/telemetry');
      gw.clock.advance(1_000);
      await client.sync();
      expect(client.messages).toHaveLength(1 + 4);
    });
  });

  describe('/ws/alerts and /ws/events', () => {
    it('pushes an alert when it is raised and again when it clears', async () => {
      await start();
      const alerts = await open('/ws/alerts');
      const events = await open('/ws/events');
      gw.clock.advance(1_000);
      gw.simulator.injectFault({ kind: 'cell_overvoltage', cell: 5 });
      gw.clock.advance(5_000);
      const raised = await alerts.waitFor((m) => m.code === 'OVER_VOLTAGE');
      expect(raised).toEqual({ timestamp: expect.any(Number), level: 'error', code: 'OVER_VOLTAGE', message: expect.stringContaining('Cell 5'), active: true });

      gw.simulator.clearFaults();
      gw.clock.advance(10_000);
      const cleared = await alerts.waitFor((m) => m.code === 'OVER_VOLTAGE' && m.active === false);
      expect(cleared).toMatchObject({ timestamp: expect.any(Number), message: expect.any(String) });

      const newAlarm = await events.waitFor((m) => m.type === 'new_alarms');
      expect(newAlarm.data.map((a: { code: string }) => a.code)).toContain('OVER_VOLTAGE');
      expect((await events.waitFor((m) => m.type === 'alarm_cleared' && m.data.code === 'OVER_VOLTAGE')).data.code).toBe('OVER_VOLTAGE');
      const logged = await events.waitFor((m) => m.type === 'event' && m.data.type === 'alert_raised');
      expect(logged.data.message).toContain('Cell 5');
    });

    it('relays every system event logged, such as a configuration change', async () => {
      await start({ bms: false });
      const events = await open('/ws/events');
      gw.config.update({ mqtt: { keepalive_s: 77 } });
      gw.deliver();
      const entry = await events.waitFor((m) => m.type === 'event');
      expect(entry.data).toMatchObject({ type: 'config_updated', level: 'info' });
    });
  });

  describe('/ws/uart and /ws/can', () => {
    it('shows the poller’s frames in both directions as hex, at most 10 per second', async () => {
      await start({ services: () => ({ decoders: { uart: (bytes, direction) => ({ length: bytes.length, direction }) } }) });
      const uart = await open('/ws/uart');
      gw.clock.advance(1_000);
      await uart.sync();
      const tx = uart.messages.find((m) => m.direction === 'tx');
      const rx = uart.messages.find((m) => m.direction === 'rx');
      expect(tx).toMatchObject({ type: 'uart', hex: expect.stringMatching(/^AA 03 /), decoded: { direction: 'tx', length: 8 } });
      expect(rx).toMatchObject({ type: 'uart', hex: expect.stringMatching(/^AA 03 /) });
      expect(rx!.decoded.length).toBeGreaterThan(100);

      const before = uart.messages.length;
      gw.clock.advance(3_000);
      await uart.sync();
      // Four polls a second are eight frames; the budget is ten: all shown here.
      expect(uart.messages.length - before).toBeLessThanOrEqual(30);
      expect(uart.messages.length - before).toBeGreaterThanOrEqual(20);
    });

    it('drops frames beyond the per-second budget instead of queueing them', async () => {
      await start({ bms: false, server: { uartMessagesPerSecond: 10 } });
      const uart = await open('/ws/uart');
      for (let i = 0; i < 25; i++) gw.bus.publish('uart.frame', { direction: 'rx', bytes: new Uint8Array([0xaa, i]), timestamp_ms: gw.clock.now() });
      gw.deliver();
      await uart.sync();
      expect(uart.messages).toHaveLength(10);
      gw.clock.advance(1_000);
      gw.bus.publish('uart.frame', { direction: 'rx', bytes: new Uint8Array([0xaa, 0xff]), timestamp_ms: gw.clock.now() });
      gw.deliver();
      await uart.sync();
      expect(uart.messages[10].hex).toBe('AA FF');
    });

    it('shows CAN frames with their id and the decoder’s view, and survives a throwing decoder', async () => {
      await start({
        bms: false,
        services: () => ({
          decoders: {
            can: (frame) => {
              if (frame.id === 0x35e) throw new Error('cannot decode');
              return { charge_voltage_limit_v: (frame.data[0] | (frame.data[1] << 8)) / 10 };
            },
          },
        }),
      });
      const can = await open('/ws/can');
      gw.bus.publish('can.frame', { direction: 'tx', frame: { id: 0x351, data: new Uint8Array([0x28, 0x02, 0, 0, 0, 0, 0, 0]) }, timestamp_ms: 5 });
      gw.bus.publish('can.frame', { direction: 'tx', frame: { id: 0x35e, data: new Uint8Array([0x41]) }, timestamp_ms: 6 });
      gw.deliver();
      const first = await can.waitFor((m) => m.id === '0x351');
      expect(first).toEqual({ type: 'can', direction: 'tx', id: '0x351', hex: '28 02 00 00 00 00 00 00', decoded: { charge_voltage_limit_v: 55.2 }, timestamp_ms: 5 });
      expect((await can.waitFor((m) => m.id === '0x35E')).decoded).toEqual({ error: 'cannot decode' });
    });
  });

  describe('connections', () => {
    it('refuses an unknown path with 404 and no upgrade', async () => {
      await start({ bms: false });
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${gw.wsBase}/ws/nothing`);
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('error', () => undefined);
      });
      expect(status).toBe(404);
    });

    it('closes connections beyond the client limit with 1013, and frees a place when one leaves', async () => {
      await start({ bms: false, server: { maxWebSocketClients: 2 } });
      const first = await open('/ws/telemetry');
      await open('/ws/events');
      const third = await open('/ws/alerts');
      expect((await third.closed).code).toBe(1013);
      first.socket.close();
      await first.closed;
      // The server saw the close once a new client is accepted.
      let fourth: Client | undefined;
      for (let attempt = 0; attempt < 20 && !fourth; attempt++) {
        const candidate = await open('/ws/alerts');
        const outcome = await Promise.race([candidate.closed.then(() => 'closed'), candidate.sync().then(() => 'open')]);
        if (outcome === 'open') fourth = candidate;
      }
      expect(fourth).toBeDefined();
      expect(gw.server.metrics().ws_clients).toBe(2);
    });

    it('keeps a signed-in dashboard’s live feed while anonymous sockets are held (issue 16)', async () => {
      await start();
      // Eight idle strangers on /ws/can from one address, then from the pool's point of view.
      const strangers = await Promise.all(Array.from({ length: 8 }, () => open('/ws/can')));
      const never = new Promise<number>(() => undefined);
      const outcomes = await Promise.all(strangers.map((c) => Promise.race([c.closed.then((x) => x.code), c.sync().then(() => 0, () => never)])));
      expect(outcomes.filter((code) => code === 1013).length).toBeGreaterThanOrEqual(5);
      expect(gw.server.metrics().ws_anonymous_clients).toBeLessThanOrEqual(3);

      const ticketAnswer = await fetch(`${gw.base}/api/security/ws-ticket`, { headers: { Authorization: basicAuth() } });
      expect(ticketAnswer.status).toBe(200);
      const { ticket, expires_in_s } = await jsonOf(ticketAnswer);
      expect(expires_in_s).toBeGreaterThan(0);
      const dashboard = await open(`/ws/telemetry?ticket=${ticket}`);
      await dashboard.waitFor((m) => m.type === 'telemetry');
      const seen = dashboard.messages.length;
      gw.clock.advance(1_000);
      await dashboard.waitFor(() => dashboard.messages.length > seen);
      expect(dashboard.messages.at(-1)?.type).toBe('telemetry');
      // A ticket is single-use.
      const reused = await open(`/ws/telemetry?ticket=${ticket}`);
      expect((await reused.closed).code).toBe(1008);
    });

    it('refuses a foreign Origin and an unknown ticket with 1008; the gateway’s own Origin is fine', async () => {
      await start({ bms: false });
      const host = gw.base.replace('http://', '');
      const foreign = await open('/ws/telemetry', { Origin: 'http://evil.example' });
      expect(await foreign.closed).toEqual({ code: 1008, reason: expect.stringMatching(/origin/) });
      const forged = await open('/ws/telemetry?ticket=00112233445566778899aabbccddeeff');
      expect((await forged.closed).code).toBe(1008);
      const own = await open('/ws/telemetry', { Origin: `http://${host}` });
      await own.sync();
      expect(gw.server.metrics()).toMatchObject({ ws_clients: 1, ws_refused_policy_total: 2 });
    });

    it('sign-out closes the sockets of that login and makes its CSRF tokens useless', async () => {
      await start({ bms: false });
      const headers = await mutationHeaders(gw);
      const { ticket } = await jsonOf(await fetch(`${gw.base}/api/security/ws-ticket`, { headers: { Authorization: basicAuth() } }));
      const mine = await open(`/ws/events?ticket=${ticket}`);
      const anonymous = await open('/ws/events');
      await mine.sync();
      const out = await fetch(`${gw.base}/api/security/logout`, { method: 'POST', headers, body: '{}' });
      expect(await jsonOf(out)).toEqual({ status: 'signed_out', websockets_closed: 1 });
      expect(await mine.closed).toEqual({ code: 1008, reason: 'signed out' });
      await anonymous.sync();
      const again = await fetch(`${gw.base}/api/alerts/clear`, { method: 'POST', headers, body: '{}' });
      expect(again.status).toBe(403);
    });

    it('closes a client that says nothing for the idle time, keeps one that pings', async () => {
      await start({ bms: false, server: { webSocket: { idleTimeoutMs: 30_000 } } });
      const quiet = await open('/ws/alerts');
      const pinging = await open('/ws/alerts');
      for (let t = 0; t < 40_000; t += 10_000) {
        pinging.socket.send('{"type":"ping"}');
        await pinging.sync();
        gw.clock.advance(10_000);
      }
      expect((await quiet.closed).code).toBe(1008);
      await pinging.sync();
      expect(gw.server.metrics().ws_evicted_idle_total).toBe(1);
    });

    it('closes every WebSocket when the server stops', async () => {
      await start({ bms: false });
      const client = await open('/ws/telemetry');
      gw.server.stop();
      expect((await client.closed).code).toBeGreaterThanOrEqual(1000);
    });
  });
});
