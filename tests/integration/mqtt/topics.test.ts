/**
 * The gateway against a real Mosquitto: every topic with its payload, QoS and retain flag, as an
 * independent client (mosquitto_sub) sees them; retained discovery; last will on a cut connection.
 */
import { execFileSync } from 'node:child_process';
import type { Alert } from '../../../modules/alert_manager/alert';
import { discoveryMessages, gatewayTopics } from '../../../modules/mqtt_gateway';
import { announcementProblems } from '../../unit/mqtt/support/ha_rules';
import { sampleLiveData } from '../../unit/mqtt/support/live_data';
import { startGateway, type RunningGateway } from './support/gateway';
import { MosquittoBroker } from './support/mosquitto';
import { Subscriber } from './support/subscriber';
import { sleep, waitFor } from './support/wait';

const alert: Alert = { timestamp: 1767225600000, level: 'warning', code: 'CELL_IMBALANCE', message: 'cell delta 120 mV above 100 mV' };

describe('gateway topics on Mosquitto', () => {
  let broker: MosquittoBroker;
  let gateway: RunningGateway | undefined;
  const subscribers: Subscriber[] = [];
  const subscribe = async (topics: string[]) => {
    const subscriber = await Subscriber.start(broker.port, { topics });
    subscribers.push(subscriber);
    return subscriber;
  };

  beforeEach(async () => {
    broker = await MosquittoBroker.start();
  });

  afterEach(async () => {
    gateway?.stop();
    gateway = undefined;
    await Promise.all(subscribers.splice(0).map((s) => s.stop()));
    await broker.dispose();
  });

  it('publishes values, status and alerts with the right QoS and retain flags', async () => {
    const live = await subscribe(['tinybms/#']);
    // Status every second instead of five, to keep the test short.
    gateway = startGateway({ broker_uri: `mqtt://127.0.0.1:${broker.port}`, discovery_enabled: false }, {}, { statusPeriodMs: 1000 });
    await gateway.waitForState('connected');
    gateway.bus.publish('bms.data', sampleLiveData(gateway.clock.now()));
    gateway.bus.publish('alert.raised', alert);
    gateway.bus.publish('charge.limits', { charge_voltage_limit_v: 55.2, charge_current_limit_a: 80, discharge_current_limit_a: 150, discharge_voltage_limit_v: 44.8, charge_allowed: true, discharge_allowed: true, reasons: ['bulk'] });

    const received = await live.next('tinybms/alerts');
    expect(received.qos).toBe(1);
    expect(JSON.parse(received.payload)).toEqual(alert);
    expect((await live.next('tinybms/voltage')).payload).toBe('52.81');
    await live.next('tinybms/status');

    // A subscriber arriving now gets exactly what is retained: values, status, availability — no alert.
    const late = await subscribe(['tinybms/#']);
    await late.next('tinybms/status');
    const retained = new Map(late.messages.filter((m) => m.retain).map((m) => [m.topic, m]));
    expect([...retained.keys()].sort()).toEqual(
      [
        'tinybms/alarms',
        'tinybms/availability',
        'tinybms/bms/availability',
        'tinybms/cells',
        'tinybms/cells/voltage/max',
        'tinybms/cells/voltage/min',
        'tinybms/current',
        'tinybms/diagnostics',
        'tinybms/limits',
        'tinybms/soc',
        'tinybms/status',
        'tinybms/temperature/max',
        'tinybms/temperature/min',
        'tinybms/voltage',
      ].sort(),
    );
    expect(Object.fromEntries(['voltage', 'current', 'soc', 'temperature/max', 'temperature/min', 'cells/voltage/max', 'cells/voltage/min', 'availability', 'bms/availability'].map((s) => [s, retained.get(`tinybms/${s}`)?.payload]))).toEqual({
      voltage: '52.81',
      current: '-12.35',
      soc: '76.5',
      'temperature/max': '23.3',
      'temperature/min': '21.5',
      'cells/voltage/max': '3.31',
      'cells/voltage/min': '3.296',
      availability: 'online',
      'bms/availability': 'online',
    });
    expect(JSON.parse(retained.get('tinybms/status')!.payload)).toEqual(
      expect.objectContaining({
        battery: { voltage: 52.81, current: -12.35, power: -652, soc: 76.5, soh: 98, remaining_ah: null, time_left_s: 3600, online_status: 'discharging' },
        cells: { count: 16, voltage_max: 3.31, voltage_min: 3.296, voltage_delta: 0.014, max_cell: 4, min_cell: 16, balancing: true },
      }),
    );
    expect(JSON.parse(retained.get('tinybms/alarms')!.payload).codes).toEqual(['CELL_IMBALANCE']);
    expect(JSON.parse(retained.get('tinybms/limits')!.payload).charge_voltage_limit_v).toBe(55.2);
    expect(late.on('tinybms/alerts')).toEqual([]);
    expect(gateway.client.status()).toEqual(expect.objectContaining({ state: 'connected', last_error: '', queued_count: 0 }));
    expect(gateway.client.status().published_count).toBeGreaterThan(10);
  });

  it('leaves Home Assistant discovery configs retained on the broker', async () => {
    gateway = startGateway({ broker_uri: `mqtt://127.0.0.1:${broker.port}`, client_id: 'gw-it' });
    await gateway.waitForState('connected');
    gateway.bus.publish('bms.data', sampleLiveData(gateway.clock.now()));
    // Announced twice: on connect (no cells known yet), then with 16 cells once data arrived.
    const device = { nodeId: 'gw-it', name: 'x', firmwareVersion: '1' };
    const rounds = [0, 16].map((cellCount) => discoveryMessages({ discoveryPrefix: 'homeassistant', topics: gatewayTopics('tinybms'), device, cellCount }).length);
    await waitFor(() => gateway!.gateway.metrics().discovery_messages_total === rounds[0] + rounds[1], 'both discovery rounds');
    const ha = await subscribe(['homeassistant/#']);
    // Mosquitto hands retained messages to a new subscriber in its own order.
    await waitFor(() => ha.messages.length === rounds[1], `${rounds[1]} retained configs (${ha.messages.length})`);
    expect(ha.messages.every((m) => m.retain)).toBe(true);
    // What the broker holds is what Home Assistant will read: it must pass HA's rules.
    expect(announcementProblems(ha.messages)).toEqual([]);
    const voltage = JSON.parse((await ha.next('homeassistant/sensor/gw-it/pack_voltage/config')).payload);
    expect(voltage).toEqual(
      expect.objectContaining({ unique_id: 'gw-it_pack_voltage', device_class: 'voltage', unit_of_measurement: 'V', state_class: 'measurement', state_topic: 'tinybms/voltage' }),
    );
    expect(voltage.device.identifiers).toEqual(['gw-it']);
    const soc = JSON.parse((await ha.next('homeassistant/sensor/gw-it/state_of_charge/config')).payload);
    expect([soc.device_class, soc.unit_of_measurement]).toEqual(['battery', '%']);
  });

  it('re-announces discovery once for a burst of Home Assistant birth messages', async () => {
    // Shortened debounce (default 2 s) and minimum gap between rounds (default 30 s).
    gateway = startGateway({ broker_uri: `mqtt://127.0.0.1:${broker.port}`, client_id: 'gw-ha' }, {}, { birthDebounceMs: 300, minReannounceMs: 1500 });
    await gateway.waitForState('connected');
    const perRound = discoveryMessages({ discoveryPrefix: 'homeassistant', topics: gatewayTopics('tinybms'), device: { nodeId: 'gw-ha', name: 'x', firmwareVersion: '1' }, cellCount: 0 }).length;
    await waitFor(() => gateway!.gateway.metrics().discovery_messages_total === perRound, 'the first announcement');
    const watcher = await subscribe(['homeassistant/sensor/gw-ha/pack_voltage/config']);
    await watcher.next('homeassistant/sensor/gw-ha/pack_voltage/config', (m) => m.retain);
    // 50 births in one go (mosquitto_pub -l: one message per line).
    execFileSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'homeassistant/status', '-l'], { input: 'online\n'.repeat(50) });
    await waitFor(() => gateway!.gateway.metrics().home_assistant_restarts_total === 50, 'all 50 births seen');
    await watcher.next('homeassistant/sensor/gw-ha/pack_voltage/config', (m) => !m.retain, 5000);
    await sleep(2000);
    expect(watcher.on('homeassistant/sensor/gw-ha/pack_voltage/config').filter((m) => !m.retain)).toHaveLength(1);
    expect(gateway.gateway.metrics()).toEqual(
      expect.objectContaining({ home_assistant_restarts_total: 50, home_assistant_births_coalesced_total: 49, discovery_rounds_total: 2, discovery_messages_total: 2 * perRound }),
    );
  });

  it('the broker publishes the retained offline will when the connection is cut, and online again after reconnecting', async () => {
    gateway = startGateway({ broker_uri: `mqtt://127.0.0.1:${broker.port}`, discovery_enabled: false });
    await gateway.waitForState('connected');
    const watcher = await subscribe(['tinybms/availability']);
    await watcher.next('tinybms/availability', (m) => m.payload === 'online');
    gateway.transport.dropAll('simulated power cut');
    await watcher.next('tinybms/availability', (m) => m.payload === 'offline');
    expect(gateway.client.status().last_error).toBe('simulated power cut');
    // The client comes back on its own; the late subscriber sees the retained word of the moment.
    await waitFor(() => watcher.on('tinybms/availability').filter((m) => m.payload === 'online').length === 2, 'online again');
    const late = await subscribe(['tinybms/availability']);
    expect((await late.next('tinybms/availability')).retain).toBe(true);
    expect(late.on('tinybms/availability')[0].payload).toBe('online');
  });

  it('a clean stop also leaves offline retained', async () => {
    gateway = startGateway({ broker_uri: `mqtt://127.0.0.1:${broker.port}`, discovery_enabled: false });
    await gateway.waitForState('connected');
    const { transport } = gateway;
    gateway.stop();
    gateway = undefined;
    // The broker closes the socket after the DISCONNECT, so the offline word before it is stored.
    await waitFor(() => transport.openConnections === 0, 'the session to end');
    const late = await subscribe(['tinybms/availability']);
    await waitFor(() => late.on('tinybms/availability').some((m) => m.payload === 'offline' && m.retain), 'retained offline');
  });
});
