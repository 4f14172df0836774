/**
 * Broker stopped and restarted on the same port: the gateway keeps retrying with its backoff,
 * reconnects on its own and delivers the QoS 1 alerts raised while the broker was away. With more
 * alerts than the outbox holds, the first raise of each alert (the root cause) and each alert's
 * newest raise arrive; repeats between are coalesced and drops counted, never lost silently.
 */
import type { Alert, AlertCode } from '../../../modules/alert_manager/alert';
import { startGateway, type RunningGateway } from './support/gateway';
import { MosquittoBroker } from './support/mosquitto';
import { Subscriber } from './support/subscriber';
import { waitFor } from './support/wait';

const alerts: Alert[] = [
  { timestamp: 1767225600000, level: 'error', code: 'OVER_TEMP', message: 'temperature 61 °C above 60 °C' },
  { timestamp: 1767225601000, level: 'warning', code: 'MQTT_DISCONNECTED', message: 'broker connection lost' },
  { timestamp: 1767225602000, level: 'error', code: 'UNDER_VOLTAGE', message: 'cell 7 at 2650 mV below 2700 mV' },
];

const CODES: AlertCode[] = ['OVER_TEMP', 'UNDER_VOLTAGE', 'CELL_IMBALANCE', 'OVER_CURRENT'];
/** 41 raises during the outage, round-robin over four codes: #0 OVER_TEMP is the root cause. */
const RAISES: Alert[] = Array.from({ length: 41 }, (_, i) => ({ timestamp: 1767225600000 + i * 1000, level: 'error', code: CODES[i % 4], message: `#${i}` }));

describe('broker restart', () => {
  let broker: MosquittoBroker;
  let gateway: RunningGateway | undefined;
  let subscriber: Subscriber | undefined;

  beforeEach(async () => {
    broker = await MosquittoBroker.start();
  });

  afterEach(async () => {
    gateway?.stop();
    await subscriber?.stop();
    await broker.dispose();
  });

  it('reconnects with backoff and delivers the alerts queued while the broker was down', async () => {
    // A durable subscriber: its session (and what is queued for it) survives the broker restart.
    const durable = { topics: ['tinybms/alerts'], durableId: 'alert-watcher' };
    await (await Subscriber.start(broker.port, durable)).stop();

    gateway = startGateway({ broker_uri: `mqtt://127.0.0.1:${broker.port}`, discovery_enabled: false });
    await gateway.waitForState('connected');

    await broker.stop();
    await waitFor(() => gateway!.client.status().state !== 'connected', 'the gateway to notice the broker is gone');
    for (const alert of alerts) gateway.bus.publish('alert.raised', alert);
    await waitFor(() => gateway!.client.status().queued_count === alerts.length, 'alerts queued');
    // Let the backoff run a few rounds against a closed port.
    // (Sampled between attempts: during an attempt the state is 'connecting'.)
    await waitFor(() => gateway!.client.status().reconnects >= 3 && gateway!.client.status().state === 'waiting_retry', 'three reconnect attempts');
    const whileDown = gateway.client.status();
    expect(whileDown.last_error).toBe(`connection refused by 127.0.0.1:${broker.port} (is the broker running on that port?)`);
    expect(whileDown.state).toBe('waiting_retry');

    await broker.start();
    await gateway.waitForState('connected', 10000);
    await waitFor(() => gateway!.client.status().queued_count === 0 && gateway!.client.status().inflight_count === 0, 'queue flushed and acknowledged');

    subscriber = await Subscriber.start(broker.port, durable);
    await waitFor(() => subscriber!.on('tinybms/alerts').length === alerts.length, 'the queued alerts');
    const received = subscriber.on('tinybms/alerts');
    expect(received.map((m) => JSON.parse(m.payload))).toEqual(alerts);
    expect(received.every((m) => m.qos === 1 && !m.retain)).toBe(true);
    expect(gateway.client.status().dropped_count).toBe(0);
    expect(gateway.events.map((e) => e.name)).toEqual(['mqtt.connected', 'mqtt.disconnected', 'mqtt.connected']);
  });

  async function outage(queueCapacity: number): Promise<string[]> {
    const durable = { topics: ['tinybms/alerts'], durableId: 'alert-watcher' };
    await (await Subscriber.start(broker.port, durable)).stop();
    gateway = startGateway({ broker_uri: `mqtt://127.0.0.1:${broker.port}`, discovery_enabled: false }, { queueCapacity });
    await gateway.waitForState('connected');
    await broker.stop();
    await waitFor(() => gateway!.client.status().state !== 'connected', 'the gateway to notice the broker is gone');
    // One at a time, as the alert manager raises them (the event bus queue is bounded).
    for (const [i, alert] of RAISES.entries()) {
      gateway.bus.publish('alert.raised', alert);
      await waitFor(() => gateway!.gateway.metrics().alerts_queued_total === i + 1, `raise #${i} handed to the outbox`, 5000, 1);
    }
    await broker.start();
    await gateway.waitForState('connected', 10000);
    await waitFor(() => gateway!.client.status().queued_count === 0 && gateway!.client.status().inflight_count === 0, 'queue flushed and acknowledged');
    subscriber = await Subscriber.start(broker.port, durable);
    await waitFor(() => subscriber!.on('tinybms/alerts').length === queueCapacity, `${queueCapacity} alerts`);
    return subscriber.on('tinybms/alerts').map((m) => JSON.parse(m.payload).message);
  }

  it('keeps every first raise and every newest raise when the outbox holds two per alert', async () => {
    const delivered = await outage(8);
    expect(delivered).toEqual(['#0', '#1', '#2', '#3', '#37', '#38', '#39', '#40']);
    expect(gateway!.client.status()).toEqual(expect.objectContaining({ coalesced_count: 33, dropped_count: 0 }));
  });

  it('with less room, still keeps the root cause and every first raise, and counts the drops', async () => {
    const delivered = await outage(6);
    expect(delivered).toEqual(['#0', '#1', '#2', '#3', '#39', '#40']);
    expect(gateway!.client.status()).toEqual(expect.objectContaining({ coalesced_count: 0, dropped_count: 35 }));
    expect(gateway!.client.metrics().dropped_total).toBe(35);
  });
});
