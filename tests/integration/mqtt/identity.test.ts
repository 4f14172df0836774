/**
 * Two gateways on one broker. With the default (empty) client id each has its own id from its
 * device id, so both stay connected; forced to share an id, they take over each other's session
 * and the status says so instead of "connection closed by the broker".
 */
import type { Host } from '../../../hosts/host';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { NodeClock } from '../../../hosts/node/clock';
import { deviceIdSource } from '../../../modules/gateway/device_id';
import { createLogger } from '../../../modules/util/logger';
import { startGateway, type RunningGateway } from './support/gateway';
import { MosquittoBroker } from './support/mosquitto';
import { Subscriber } from './support/subscriber';
import { sleep, waitFor } from './support/wait';

/** A device id as a first boot on a fresh unit makes it: random, stored in that unit's own store. */
function freshDeviceId(): () => string {
  const host = { clock: new NodeClock(), store: new MemoryStore(), crypto: createNodeCrypto() } as unknown as Host;
  return deviceIdSource(host, createLogger({ log() {} }, 'device', () => 'error'));
}

describe('two gateways on one broker', () => {
  let broker: MosquittoBroker;
  const gateways: RunningGateway[] = [];
  let subscriber: Subscriber | undefined;

  beforeEach(async () => {
    broker = await MosquittoBroker.start();
  });

  afterEach(async () => {
    for (const gateway of gateways.splice(0)) gateway.stop();
    await subscriber?.stop();
    subscriber = undefined;
    await broker.dispose();
  });

  it('default client ids differ per device, so both stay connected with their own Home Assistant device', async () => {
    const uri = `mqtt://127.0.0.1:${broker.port}`;
    subscriber = await Subscriber.start(broker.port, { topics: ['homeassistant/sensor/+/pack_voltage/config'] });
    for (const prefix of ['garage', 'shed']) gateways.push(startGateway({ broker_uri: uri, client_id: '', topic_prefix: prefix }, { deviceId: freshDeviceId(), stableSessionMs: 1000 }));
    for (const gateway of gateways) await gateway.waitForState('connected');
    const ids = gateways.map((g) => g.client.status().client_id);
    expect(ids[0]).toMatch(/^tinybms-gw-[0-9a-f]{12}$/);
    expect(ids[1]).toMatch(/^tinybms-gw-[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
    await waitFor(() => subscriber!.messages.length === 2, 'both discovery devices');
    expect(new Set(subscriber.messages.map((m) => JSON.parse(m.payload).device.identifiers[0]))).toEqual(new Set(ids));
    // Several backoff rounds' worth of time: neither is kicked off.
    await sleep(1500);
    for (const gateway of gateways) {
      expect(gateway.client.status()).toEqual(expect.objectContaining({ state: 'connected', reconnects: 0, last_error: '' }));
      expect(gateway.events.map((e) => e.name)).toEqual(['mqtt.connected']);
    }
  });

  it('forced to share a client id, they take turns, and the status names the other client', async () => {
    const uri = `mqtt://127.0.0.1:${broker.port}`;
    for (const prefix of ['garage', 'shed']) gateways.push(startGateway({ broker_uri: uri, client_id: 'tinybms-gw', topic_prefix: prefix }, { stableSessionMs: 10000 }));
    const expected = /^the broker closed the session [0-9.]+ s after accepting it: another client with the same id "tinybms-gw" is probably connected \(give each gateway its own client id\)$/;
    await waitFor(
      () => gateways.every((g) => expected.test(g.client.status().last_disconnect_reason)),
      `both to see the takeover (${gateways.map((g) => JSON.stringify(g.client.status())).join(' / ')})`,
      15000,
    );
    for (const gateway of gateways) expect(gateway.client.metrics().session_takeovers_total).toBeGreaterThanOrEqual(1);
  });
});
