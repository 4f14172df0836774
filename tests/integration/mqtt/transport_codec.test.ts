/**
 * Codec conformance of the Node MQTT transport: its packets as mqtt-packet's parser reads them on
 * a real TCP socket, and its reaction to packets mqtt-packet generates (CONNACK codes, PUBACK,
 * incoming PUBLISH, PINGRESP, garbage, a vanished broker).
 */
import { NodeMqttTransport } from '../../../hosts/node/mqtt_transport';
import type { MqttConnection, MqttConnectOptions } from '../../../hosts/ports/mqtt';
import { FakeBroker } from './support/fake_broker';
import { freePort } from './support/mosquitto';
import { waitFor } from './support/wait';

interface Observed {
  connected: boolean;
  closed: string[];
  messages: { topic: string; payload: string }[];
}

describe('NodeMqttTransport wire format', () => {
  let broker: FakeBroker;
  let port: number;
  let connection: MqttConnection | undefined;
  const transport = new NodeMqttTransport();

  beforeEach(async () => {
    broker = new FakeBroker();
    port = await broker.listen();
  });

  afterEach(async () => {
    connection?.close();
    connection = undefined;
    await broker.close();
  });

  function open(options: Partial<MqttConnectOptions> = {}): Observed {
    const observed: Observed = { connected: false, closed: [], messages: [] };
    connection = transport.connect(
      { uri: `mqtt://127.0.0.1:${port}`, clientId: 'codec-test', keepaliveS: 30, ...options },
      {
        onConnect: () => (observed.connected = true),
        onClose: (reason) => observed.closed.push(reason),
        onMessage: (topic, payload) => observed.messages.push({ topic, payload: Buffer.from(payload).toString('utf8') }),
      },
    );
    return observed;
  }

  async function accepted(options: Partial<MqttConnectOptions> = {}) {
    const observed = open(options);
    const side = await broker.connection();
    await side.next('connect');
    side.send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    await waitFor(() => observed.connected, 'onConnect');
    return { observed, side };
  }

  it('sends a CONNECT that mqtt-packet parses field by field', async () => {
    open({ username: 'gw', password: 'pässword', keepaliveS: 45, will: { topic: 'tinybms/availability', payload: 'offline', qos: 1, retain: true } });
    const connect = await (await broker.connection()).next('connect');
    expect(connect).toEqual(
      expect.objectContaining({ protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'codec-test', keepalive: 45, username: 'gw', password: Buffer.from('pässword', 'utf8') }),
    );
    expect(connect.will).toEqual(expect.objectContaining({ topic: 'tinybms/availability', payload: Buffer.from('offline'), qos: 1, retain: true }));
  });

  it('settles a QoS 1 publish only on its PUBACK, and a QoS 0 publish once written', async () => {
    const { side } = await accepted();
    const settled: (string | undefined | 'ok')[] = [];
    connection!.publish('tinybms/alerts', '{"code":"OVER_TEMP","message":"61 °C"}', { qos: 1, retain: false }, (error) => settled.push(error ?? 'ok'));
    const publish = await side.next('publish');
    expect(publish).toEqual(expect.objectContaining({ topic: 'tinybms/alerts', qos: 1, retain: false, dup: false }));
    expect(Buffer.from(publish.payload as Buffer).toString('utf8')).toBe('{"code":"OVER_TEMP","message":"61 °C"}');
    expect(settled).toEqual([]);
    side.send({ cmd: 'puback', messageId: publish.messageId });
    await waitFor(() => settled.length === 1, 'QoS 1 settled');
    connection!.publish('tinybms/voltage', new Uint8Array([0x35, 0x33]), { qos: 0, retain: true }, (error) => settled.push(error ?? 'ok'));
    const value = await side.next('publish', 1);
    expect([value.topic, value.qos, value.retain, Buffer.from(value.payload as Buffer).toString()]).toEqual(['tinybms/voltage', 0, true, '53']);
    await waitFor(() => settled.length === 2, 'QoS 0 settled');
    expect(settled).toEqual(['ok', 'ok']);
  });

  it('receives PUBLISH packets, acknowledges QoS 1 ones, and subscribes', async () => {
    const { observed, side } = await accepted();
    connection!.subscribe?.('homeassistant/status');
    expect((await side.next('subscribe')).subscriptions).toEqual([{ topic: 'homeassistant/status', qos: 0 }]);
    side.send({ cmd: 'publish', topic: 'homeassistant/status', payload: Buffer.from('online'), qos: 1, messageId: 77, retain: false, dup: false });
    await waitFor(() => observed.messages.length === 1, 'message');
    expect(observed.messages).toEqual([{ topic: 'homeassistant/status', payload: 'online' }]);
    expect((await side.next('puback')).messageId).toBe(77);
  });

  it('turns CONNACK refusals into readable reasons', async () => {
    const observed = open({ username: 'gw', password: 'wrong' });
    const side = await broker.connection();
    await side.next('connect');
    side.send({ cmd: 'connack', returnCode: 4, sessionPresent: false });
    await waitFor(() => observed.closed.length === 1, 'onClose');
    expect(observed).toEqual({ connected: false, closed: ['broker refused the session: bad user name or password'], messages: [] });
  });

  it('pings at the keepalive period and gives up on a broker that stops answering', async () => {
    const { observed, side } = await accepted({ keepaliveS: 1 });
    await side.next('pingreq');
    side.send({ cmd: 'pingresp' });
    await side.next('pingreq', 1); // still alive after an answered ping
    await waitFor(() => observed.closed.length === 1, 'keepalive failure', 5000);
    expect(observed.closed).toEqual(['no answer from the broker within the keepalive (1 s)']);
  });

  it('fails pending QoS 1 publishes when the broker vanishes, and reports it once', async () => {
    const { observed, side } = await accepted();
    const settled: string[] = [];
    connection!.publish('tinybms/alerts', 'x', { qos: 1, retain: false }, (error) => settled.push(error ?? 'ok'));
    await side.next('publish');
    side.socket.destroy();
    await waitFor(() => observed.closed.length === 1, 'onClose');
    expect(settled).toEqual(['connection closed by the broker']);
    expect(observed.closed).toEqual(['connection closed by the broker']);
  });

  it('closes with a protocol error when the broker sends garbage', async () => {
    const { observed, side } = await accepted();
    side.socket.write(Buffer.from([0x00, 0x00])); // packet type 0 is reserved
    await waitFor(() => observed.closed.length === 1, 'onClose');
    expect(observed.closed[0]).toMatch(/^protocol error from the broker: /);
  });

  it('says goodbye with DISCONNECT on close', async () => {
    const { observed, side } = await accepted();
    connection!.close();
    await side.next('disconnect');
    await waitFor(() => observed.closed.length === 1, 'onClose');
    expect(observed.closed).toEqual(['closed by the client']);
  });

  it('reports a refused TCP connection and a malformed URI', async () => {
    const closedPort = await freePort();
    const observed = open({ uri: `mqtt://127.0.0.1:${closedPort}` });
    const malformed = open({ uri: 'mqtt:/nope' });
    await waitFor(() => observed.closed.length === 1 && malformed.closed.length === 1, 'both closed');
    expect(observed.closed).toEqual([`connection refused by 127.0.0.1:${closedPort} (is the broker running on that port?)`]);
    expect(malformed.closed).toEqual(['"mqtt:/nope" is not a broker URI (use mqtt://host[:port] or mqtts://host[:port])']);
  });
});
