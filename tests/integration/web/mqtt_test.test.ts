/**
 * POST /api/mqtt/test, the UI's "test connection", over real HTTP: the real MqttClient on the
 * Node MQTT transport tries unsaved settings against a real Mosquitto, and saves nothing.
 */
import { NodeMqttTransport } from '../../../hosts/node/mqtt_transport';
import type { Host } from '../../../hosts/host';
import { MqttClient } from '../../../modules/mqtt_client/mqtt_client';
import type { MqttService } from '../../../modules/web_server/services';
import { createLogger } from '../../../modules/util/logger';
import { freePort, MosquittoBroker } from '../mqtt/support/mosquitto';
import { basicAuth, jsonOf, mutationHeaders, startWebGateway, type WebGateway } from './support/web_gateway';

describe('MQTT connection test over HTTP', () => {
  let broker: MosquittoBroker;
  let gw: WebGateway;
  let transport: NodeMqttTransport;

  beforeAll(async () => {
    broker = await MosquittoBroker.start();
  });
  afterAll(async () => {
    await broker.dispose();
  });

  beforeEach(async () => {
    transport = new NodeMqttTransport();
    let client: MqttClient | undefined;
    // The client is built on the test gateway's own clock, bus and configuration, with the Node transport as its port.
    const lazyMqtt: MqttService = {
      metrics: () => client!.metrics(),
      testConnection: (settings) => client!.testConnection(settings),
    };
    gw = await startWebGateway({ services: () => ({ mqtt: lazyMqtt }) });
    const host = { clock: gw.clock, log: { log: () => undefined }, mqtt: transport } as Partial<Host> as Host;
    client = new MqttClient({ host, bus: gw.bus, config: () => gw.config.get(), logger: (tag) => createLogger(host.log, tag) });
  });
  afterEach(async () => {
    await gw.close();
  });

  const test = async (body: unknown) =>
    fetch(`${gw.base}/api/mqtt/test`, { method: 'POST', headers: await mutationHeaders(gw), body: JSON.stringify(body) });

  it('connects to the broker with unsaved settings and changes nothing stored', async () => {
    const before = gw.config.get();
    const response = await test({ broker_uri: `mqtt://127.0.0.1:${broker.port}`, enabled: true });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ ok: true, broker: `mqtt://127.0.0.1:${broker.port}`, error: '' });
    expect(gw.config.get()).toBe(before);
    expect(gw.config.get().mqtt.broker_uri).toBe('');
  });

  it('answers ok false with a readable reason when nothing listens there', async () => {
    const port = await freePort();
    const response = await test({ broker_uri: `mqtt://127.0.0.1:${port}` });
    expect(response.status).toBe(200);
    const result = await jsonOf(response);
    expect(result.ok).toBe(false);
    expect(result.error).toBe(`connection refused by 127.0.0.1:${port} (is the broker running on that port?)`);
  });

  it('tests the stored settings when the body is empty', async () => {
    const update = await fetch(`${gw.base}/api/mqtt/config`, { method: 'POST', headers: await mutationHeaders(gw), body: JSON.stringify({ broker_uri: `mqtt://127.0.0.1:${broker.port}` }) });
    expect(update.status).toBe(200);
    const response = await fetch(`${gw.base}/api/mqtt/test`, { method: 'POST', headers: await mutationHeaders(gw) });
    expect(await jsonOf(response)).toMatchObject({ ok: true, broker: `mqtt://127.0.0.1:${broker.port}` });
  });

  it('refuses invalid settings with 400 and every bad field, before opening anything', async () => {
    const response = await test({ broker_uri: 'http://broker', keepalive_s: 1 });
    expect(response.status).toBe(400);
    const { error } = await jsonOf(response);
    expect(error.code).toBe('invalid_config');
    expect(error.errors.map((e: { field: string }) => e.field).sort()).toEqual(['mqtt.broker_uri', 'mqtt.keepalive_s']);
    expect(transport.openConnections).toBe(0);
  });

  it('needs login and a CSRF token', async () => {
    const noToken = await fetch(`${gw.base}/api/mqtt/test`, { method: 'POST', headers: { Authorization: basicAuth(), 'Content-Type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(403);
    const noLogin = await fetch(`${gw.base}/api/mqtt/test`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(noLogin.status).toBe(401);
  });
});

describe('MQTT connection test without an MQTT client', () => {
  it('answers 503 mqtt_unavailable', async () => {
    const gw = await startWebGateway({ services: () => ({ mqtt: undefined }), bms: false });
    try {
      const response = await fetch(`${gw.base}/api/mqtt/test`, { method: 'POST', headers: await mutationHeaders(gw), body: '{}' });
      expect(response.status).toBe(503);
      expect((await jsonOf(response)).error.code).toBe('mqtt_unavailable');
    } finally {
      await gw.close();
    }
  });
});
