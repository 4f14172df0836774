/** mqtt_gateway with the real mqtt_client over the scripted transport, on the virtual clock. */
import type { Alert } from '../../../modules/alert_manager/alert';
import type { ChargeLimits } from '../../../modules/event_bus/events';
import { discoveryMessages, nodeIdFrom } from '../../../modules/mqtt_gateway/discovery';
import { gatewayTopics } from '../../../modules/mqtt_gateway/topics';
import { createTestContext, type TestContext } from './support/context';
import { lastOn, onTopic, sent, startGateway } from './support/gateway';
import { sampleLiveData } from './support/live_data';

const overTemp: Alert = { timestamp: 1767225600000, level: 'error', code: 'OVER_TEMP', message: 'temperature 61 °C above 60 °C' };
const limits: ChargeLimits = {
  charge_voltage_limit_v: 55.2,
  charge_current_limit_a: 80,
  discharge_current_limit_a: 150,
  discharge_voltage_limit_v: 44.8,
  charge_allowed: true,
  discharge_allowed: true,
  reasons: ['bulk'],
};

describe('MqttGateway value topics', () => {
  it('publishes the 1 s topics retained at QoS 0 from fresh data', () => {
    const t = createTestContext();
    startGateway(t);
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.clock.advance(1000);
    const values = Object.fromEntries(['voltage', 'current', 'soc', 'temperature/max', 'temperature/min', 'cells/voltage/max', 'cells/voltage/min'].map((suffix) => [suffix, lastOn(t, `tinybms/${suffix}`)]));
    expect(Object.fromEntries(Object.entries(values).map(([k, m]) => [k, m?.payload]))).toEqual({
      voltage: '52.81',
      current: '-12.35',
      soc: '76.5',
      'temperature/max': '23.3',
      'temperature/min': '21.5',
      'cells/voltage/max': '3.31',
      'cells/voltage/min': '3.296',
    });
    expect(Object.values(values).every((m) => m.qos === 0 && m.retain)).toBe(true);
  });

  it('publishes status and cells JSON every 5 s', () => {
    const t = createTestContext();
    startGateway(t);
    const sampledAt = t.clock.now();
    t.bus.publish('bms.data', sampleLiveData(sampledAt));
    t.clock.advance(1000);
    const statusesBefore = onTopic(t, 'tinybms/status').length;
    t.clock.advance(4000);
    const data = sampleLiveData(t.clock.now());
    t.bus.publish('bms.data', data);
    t.clock.advance(5000);
    expect(onTopic(t, 'tinybms/status').length).toBe(statusesBefore + 2);
    const status = lastOn(t, 'tinybms/status');
    expect([status.qos, status.retain]).toEqual([0, true]);
    expect(JSON.parse(status.payload)).toEqual({
      timestamp: t.clock.wallTime() - 5000,
      battery: { voltage: 52.81, current: -12.35, power: -652, soc: 76.5, soh: 98, remaining_ah: null, time_left_s: 3600, online_status: 'discharging' },
      cells: { count: 16, voltage_max: 3.31, voltage_min: 3.296, voltage_delta: 0.014, max_cell: 4, min_cell: 16, balancing: true },
      temperature: { sensor_count: 2, max: 23.3, min: 21.5, avg: 22.4 },
    });
    expect(JSON.parse(lastOn(t, 'tinybms/cells').payload)).toEqual({ count: 16, voltages: data.cell_voltage_mv.map((mv) => mv / 1000), balancing: [4] });
  });

  it('never publishes stale or invalid data as current, and marks the battery unavailable', () => {
    const t = createTestContext();
    startGateway(t);
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.clock.advance(1000);
    expect(lastOn(t, 'tinybms/bms/availability')).toEqual(expect.objectContaining({ payload: 'online', retain: true }));
    const voltagesWhileFresh = onTopic(t, 'tinybms/voltage').length;
    t.clock.advance(15000); // default stale_after_ms is 5000: ticks up to age 5 s publish, later ones do not
    expect(onTopic(t, 'tinybms/voltage').length).toBe(voltagesWhileFresh + 4);
    const countAfterStale = onTopic(t, 'tinybms/voltage').length;
    const statusAfterStale = onTopic(t, 'tinybms/status').length;
    t.clock.advance(10000);
    expect([onTopic(t, 'tinybms/voltage').length, onTopic(t, 'tinybms/status').length]).toEqual([countAfterStale, statusAfterStale]);
    expect(lastOn(t, 'tinybms/bms/availability').payload).toBe('offline');
    expect(lastOn(t, 'tinybms/availability').payload).toBe('online');
    // A failed poll: invalid data is not fresh data, even when it is new.
    t.bus.publish('bms.data', sampleLiveData(t.clock.now(), { data_valid: false }));
    t.clock.advance(3000);
    expect(onTopic(t, 'tinybms/voltage').length).toBe(countAfterStale);
    t.bus.publish('bms.data', sampleLiveData(t.clock.now(), { pack_voltage_v: 53 }));
    t.clock.advance(1000);
    expect([lastOn(t, 'tinybms/bms/availability').payload, lastOn(t, 'tinybms/voltage').payload]).toEqual(['online', '53']);
  });

  it('uses the configured topic prefix', () => {
    const t = createTestContext({ topic_prefix: 'site/battery1' });
    startGateway(t);
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.clock.advance(1000);
    expect(lastOn(t, 'site/battery1/voltage')?.payload).toBe('52.81');
    expect(lastOn(t, 'site/battery1/availability')?.payload).toBe('online');
    expect(onTopic(t, 'tinybms/voltage')).toHaveLength(0);
  });
});

describe('MqttGateway publish settings', () => {
  it('publishes the value topics every publish_interval_s and follows a change of it', () => {
    const t = createTestContext({ publish_interval_s: 10 });
    startGateway(t);
    const feed = () => t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    const feeder = t.clock.setInterval(500, feed);
    t.clock.advance(30_000);
    expect(onTopic(t, 'tinybms/voltage')).toHaveLength(3);
    // status every max(5 s, interval): 10 s here
    expect(onTopic(t, 'tinybms/status').length).toBe(3);
    t.updateMqtt({ publish_interval_s: 2 });
    const before = onTopic(t, 'tinybms/voltage').length;
    t.clock.advance(10_000);
    expect(onTopic(t, 'tinybms/voltage').length - before).toBe(5);
    expect(t.transport.connections).toHaveLength(1); // no new session for it
    t.clock.clear(feeder);
  });

  it('publish_on_change skips unchanged values but repeats them every minute', () => {
    const t = createTestContext({ publish_on_change: true });
    const { gateway } = startGateway(t);
    const feeder = t.clock.setInterval(500, () => t.bus.publish('bms.data', sampleLiveData(t.clock.now())));
    t.clock.advance(59_000);
    expect(onTopic(t, 'tinybms/voltage')).toHaveLength(1);
    t.clock.clear(feeder);
    const changed = t.clock.setInterval(500, () => t.bus.publish('bms.data', sampleLiveData(t.clock.now(), { pack_voltage_v: 53.5 })));
    t.clock.advance(3000);
    expect(onTopic(t, 'tinybms/voltage').map((m) => m.payload)).toEqual(['52.81', '53.5']);
    t.clock.advance(60_000);
    expect(onTopic(t, 'tinybms/voltage').map((m) => m.payload)).toEqual(['52.81', '53.5', '53.5']);
    expect(gateway.metrics().unchanged_skips_total).toBeGreaterThan(100);
    t.clock.clear(changed);
  });

  it('retain off: periodic values not retained; availability, alarms, limits and discovery still are', () => {
    const t = createTestContext({ retain: false });
    startGateway(t);
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.bus.publish('charge.limits', limits);
    t.clock.advance(5000);
    for (const topic of ['tinybms/voltage', 'tinybms/status', 'tinybms/cells', 'tinybms/diagnostics']) expect([topic, lastOn(t, topic)?.retain]).toEqual([topic, false]);
    for (const topic of ['tinybms/availability', 'tinybms/bms/availability', 'tinybms/alarms', 'tinybms/limits', 'homeassistant/sensor/tinybms-gw/pack_voltage/config']) {
      expect([topic, lastOn(t, topic)?.retain]).toEqual([topic, true]);
    }
  });

  it('cell_topics adds <prefix>/cells/<n>/voltage per cell, and switching it off empties them', () => {
    const t = createTestContext();
    startGateway(t);
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.clock.advance(5000);
    expect(onTopic(t, 'tinybms/cells/1/voltage')).toHaveLength(0);
    t.updateMqtt({ cell_topics: true });
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.clock.advance(5000);
    expect(Array.from({ length: 16 }, (_, i) => lastOn(t, `tinybms/cells/${i + 1}/voltage`)?.payload)).toEqual(sampleLiveData(0).cell_voltage_mv.map((mv) => String(mv / 1000)));
    expect(lastOn(t, 'tinybms/cells/16/voltage').retain).toBe(true);
    t.updateMqtt({ cell_topics: false });
    t.clock.runDue();
    expect(lastOn(t, 'tinybms/cells/16/voltage')).toEqual(expect.objectContaining({ payload: '', retain: true }));
  });

  it('is read-only: the only subscription is Home Assistant status', () => {
    const t = createTestContext();
    startGateway(t);
    expect(t.transport.last.subscriptions).toEqual(['homeassistant/status']);
    t.updateMqtt({ discovery_enabled: false });
    t.clock.runDue();
    expect(t.transport.connections.flatMap((c) => c.subscriptions)).toEqual(['homeassistant/status']);
  });
});

describe('MqttGateway alerts, alarms, limits, availability', () => {
  it('sends alerts at QoS 1 without retain, and keeps the retained alarm list current', () => {
    const t = createTestContext();
    startGateway(t);
    t.bus.publish('alert.raised', overTemp);
    t.clock.runDue();
    expect(onTopic(t, 'tinybms/alerts')).toEqual([expect.objectContaining({ qos: 1, retain: false })]);
    expect(JSON.parse(lastOn(t, 'tinybms/alerts').payload)).toEqual(overTemp);
    expect(JSON.parse(lastOn(t, 'tinybms/alarms').payload)).toEqual({ count: 1, codes: ['OVER_TEMP'], alerts: [overTemp] });
    t.bus.publish('alert.cleared', overTemp);
    t.clock.runDue();
    expect(lastOn(t, 'tinybms/alarms')).toEqual(expect.objectContaining({ payload: '{"count":0,"codes":[],"alerts":[]}', retain: true }));
  });

  it('lists active alerts in raise order, byte for byte: a raise while listed keeps its place, a cleared one goes, a new raise goes last', () => {
    const t = createTestContext();
    startGateway(t);
    const imbalance: Alert = { timestamp: 1767225601000, level: 'warning', code: 'CELL_IMBALANCE', message: 'cell spread 120 mV' };
    const packSilent: Alert = { timestamp: 1767225602000, level: 'error', code: 'BMS_COMM_LOST_P2', message: 'Pack 2: no valid BMS data for 10.0 s' };
    const alarms = () => lastOn(t, 'tinybms/alarms').payload;
    t.bus.publish('alert.raised', overTemp);
    t.bus.publish('alert.raised', imbalance);
    t.bus.publish('alert.raised', packSilent);
    t.clock.runDue();
    const fields = (a: Alert) => `{"timestamp":${a.timestamp},"level":"${a.level}","code":"${a.code}","message":"${a.message}"}`;
    expect(alarms()).toBe(`{"count":3,"codes":["OVER_TEMP","CELL_IMBALANCE","BMS_COMM_LOST_P2"],"alerts":[${fields(overTemp)},${fields(imbalance)},${fields(packSilent)}]}`);
    const hotter = { ...overTemp, timestamp: overTemp.timestamp + 5000, message: 'temperature 63 °C above 60 °C' };
    t.bus.publish('alert.raised', hotter);
    t.clock.runDue();
    expect(alarms()).toBe(`{"count":3,"codes":["OVER_TEMP","CELL_IMBALANCE","BMS_COMM_LOST_P2"],"alerts":[${fields(hotter)},${fields(imbalance)},${fields(packSilent)}]}`);
    t.bus.publish('alert.cleared', { ...overTemp, level: 'info', message: 'back below' });
    t.bus.publish('alert.cleared', { ...overTemp, level: 'info', message: 'cleared twice: no second publish' });
    t.clock.runDue();
    expect(alarms()).toBe(`{"count":2,"codes":["CELL_IMBALANCE","BMS_COMM_LOST_P2"],"alerts":[${fields(imbalance)},${fields(packSilent)}]}`);
    const alarmMessages = onTopic(t, 'tinybms/alarms').length;
    t.bus.publish('alert.raised', overTemp);
    t.clock.runDue();
    expect(onTopic(t, 'tinybms/alarms').length).toBe(alarmMessages + 1);
    expect(alarms()).toBe(`{"count":3,"codes":["CELL_IMBALANCE","BMS_COMM_LOST_P2","OVER_TEMP"],"alerts":[${fields(imbalance)},${fields(packSilent)},${fields(overTemp)}]}`);
    // A reconnect says the list again, in the same order.
    t.transport.last.drop('connection reset');
    t.clock.advance(2000);
    expect(alarms()).toBe(`{"count":3,"codes":["CELL_IMBALANCE","BMS_COMM_LOST_P2","OVER_TEMP"],"alerts":[${fields(imbalance)},${fields(packSilent)},${fields(overTemp)}]}`);
    expect(t.transport.connections.length).toBeGreaterThan(1);
  });

  it('queues alerts raised while offline and delivers them after reconnecting', () => {
    const t = createTestContext();
    const { gateway } = startGateway(t);
    t.transport.behaviour = 'refuse';
    t.transport.last.drop('connection reset');
    t.clock.runDue();
    t.bus.publish('alert.raised', overTemp);
    t.bus.publish('alert.raised', { ...overTemp, code: 'MQTT_DISCONNECTED', level: 'warning', message: 'broker connection lost' });
    t.clock.advance(1000 + 2000);
    t.transport.behaviour = 'accept';
    t.clock.advance(4000);
    t.clock.runDue();
    expect(t.transport.last.sent.filter((m) => m.topic === 'tinybms/alerts').map((m) => JSON.parse(m.payload).code)).toEqual(['OVER_TEMP', 'MQTT_DISCONNECTED']);
    expect(gateway.metrics().alerts_queued_total).toBe(2);
  });

  it('announces online on connect; the client carries the retained offline will', () => {
    const t = createTestContext();
    startGateway(t);
    expect(t.transport.last.options.will).toEqual({ topic: 'tinybms/availability', payload: 'offline', qos: 1, retain: true });
    expect(t.transport.last.sent[0]).toEqual(expect.objectContaining({ topic: 'tinybms/availability', payload: 'online', retain: true }));
  });

  it('publishes charge limits when they change, retained', () => {
    const t = createTestContext();
    startGateway(t);
    t.bus.publish('charge.limits', limits);
    t.bus.publish('charge.limits', { ...limits });
    t.bus.publish('charge.limits', { ...limits, charge_current_limit_a: 40, reasons: ['cell protection'] });
    t.clock.runDue();
    const published = onTopic(t, 'tinybms/limits');
    expect(published.map((m) => JSON.parse(m.payload).charge_current_limit_a)).toEqual([80, 40]);
    expect(published.every((m) => m.retain && m.qos === 0)).toBe(true);
  });

  it('publishes nothing while MQTT is disabled', () => {
    const t = createTestContext({ enabled: false });
    startGateway(t);
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.bus.publish('alert.raised', overTemp);
    t.clock.advance(10000);
    expect(t.transport.connections).toHaveLength(0);
  });
});

describe('Home Assistant discovery', () => {
  const configOf = (t: TestContext, objectId: string, component = 'sensor') => {
    const message = lastOn(t, `homeassistant/${component}/tinybms-gw/${objectId}/config`);
    return message && message.payload !== '' ? (JSON.parse(message.payload) as Record<string, unknown>) : undefined;
  };

  it('announces every entity retained, with classes, units, unique ids, availability and the device', () => {
    const t = createTestContext();
    startGateway(t);
    const discovery = sent(t).filter((m) => m.topic.startsWith('homeassistant/'));
    expect(discovery.length).toBeGreaterThanOrEqual(17);
    expect(discovery.every((m) => m.retain && m.qos === 0)).toBe(true);
    const expectations: [string, string, string, string][] = [
      ['pack_voltage', 'voltage', 'V', 'tinybms/voltage'],
      ['pack_current', 'current', 'A', 'tinybms/current'],
      ['power', 'power', 'W', 'tinybms/status'],
      ['state_of_charge', 'battery', '%', 'tinybms/soc'],
      ['max_cell_voltage', 'voltage', 'V', 'tinybms/cells/voltage/max'],
      ['min_cell_voltage', 'voltage', 'V', 'tinybms/cells/voltage/min'],
      ['cell_delta', 'voltage', 'mV', 'tinybms/status'],
      ['max_temperature', 'temperature', '°C', 'tinybms/temperature/max'],
      ['min_temperature', 'temperature', '°C', 'tinybms/temperature/min'],
      ['charge_voltage_limit', 'voltage', 'V', 'tinybms/limits'],
      ['charge_current_limit', 'current', 'A', 'tinybms/limits'],
      ['discharge_current_limit', 'current', 'A', 'tinybms/limits'],
    ];
    for (const [objectId, deviceClass, unit, stateTopic] of expectations) {
      expect([objectId, configOf(t, objectId)]).toEqual([
        objectId,
        expect.objectContaining({ device_class: deviceClass, unit_of_measurement: unit, state_class: 'measurement', state_topic: stateTopic, unique_id: `tinybms-gw_${objectId}` }),
      ]);
    }
    const health = configOf(t, 'state_of_health');
    expect(health).toEqual(expect.objectContaining({ unit_of_measurement: '%', state_class: 'measurement', value_template: '{{ value_json.battery.soh }}' }));
    expect(health).not.toHaveProperty('device_class'); // HA's "battery" class means charge level, not health
    const voltage = configOf(t, 'pack_voltage') as Record<string, unknown>;
    expect(voltage.availability).toEqual([{ topic: 'tinybms/availability' }, { topic: 'tinybms/bms/availability' }]);
    expect(voltage.availability_mode).toBe('all');
    expect(voltage.device).toEqual({ identifiers: ['tinybms-gw'], name: 'tinybms-gw', manufacturer: 'TinyBMS-GW', model: 'TinyBMS gateway (Energus TinyBMS s516)', sw_version: '1.2.3-test' });
    expect(configOf(t, 'charge_voltage_limit')?.availability).toEqual([{ topic: 'tinybms/availability' }]);
    expect(configOf(t, 'alarm', 'binary_sensor')).toEqual(expect.objectContaining({ device_class: 'problem', state_topic: 'tinybms/alarms' }));
    expect(configOf(t, 'active_alarms')).toEqual(expect.objectContaining({ json_attributes_topic: 'tinybms/alarms', value_template: '{{ value_json.count }}' }));
  });

  it('adds one entity per cell once the cell count is known, and removes cells a smaller pack lacks', () => {
    const t = createTestContext();
    startGateway(t);
    expect(configOf(t, 'cell_01_voltage')).toBeUndefined();
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.clock.runDue();
    expect(configOf(t, 'cell_16_voltage')).toEqual(expect.objectContaining({ state_topic: 'tinybms/cells', value_template: '{{ value_json.voltages[15] }}', device_class: 'voltage', unit_of_measurement: 'V' }));
    const eight = sampleLiveData(t.clock.now(), { cell_count: 8, cell_voltage_mv: [3300, 3301, 3302, 3303, 3304, 3305, 3306, 3307] });
    t.bus.publish('bms.data', eight);
    t.clock.runDue();
    expect(configOf(t, 'cell_08_voltage')).toBeDefined();
    expect(lastOn(t, 'homeassistant/sensor/tinybms-gw/cell_09_voltage/config')).toEqual(expect.objectContaining({ payload: '', retain: true }));
    expect(lastOn(t, 'homeassistant/sensor/tinybms-gw/cell_16_voltage/config').payload).toBe('');
  });

  it('removes every entity when discovery is switched off, and moves them with the discovery prefix', () => {
    const t = createTestContext();
    startGateway(t);
    const announced = sent(t).filter((m) => m.topic.startsWith('homeassistant/')).map((m) => m.topic);
    t.updateMqtt({ discovery_enabled: false });
    t.clock.runDue();
    for (const topic of announced) expect(lastOn(t, topic).payload).toBe('');
    t.updateMqtt({ discovery_enabled: true, discovery_prefix: 'ha' });
    t.clock.runDue();
    expect(JSON.parse(lastOn(t, 'ha/sensor/tinybms-gw/pack_voltage/config').payload)).toEqual(expect.objectContaining({ unique_id: 'tinybms-gw_pack_voltage' }));
    expect(t.transport.connections).toHaveLength(1);
  });

  it('announces again when Home Assistant says it is back online, once per burst of births and at most every 30 s', () => {
    const t = createTestContext();
    const { gateway } = startGateway(t);
    const voltageConfig = 'homeassistant/sensor/tinybms-gw/pack_voltage/config';
    expect(t.transport.last.subscriptions).toEqual(['homeassistant/status']);
    t.transport.last.deliver('homeassistant/status', 'offline');
    t.clock.runDue();
    expect(onTopic(t, voltageConfig)).toHaveLength(1);
    t.clock.advance(60_000);
    t.transport.last.deliver('homeassistant/status', 'online');
    t.clock.runDue();
    expect(onTopic(t, voltageConfig)).toHaveLength(1); // HA gets 2 s to subscribe
    t.clock.advance(2000);
    expect(onTopic(t, voltageConfig)).toHaveLength(2);
    // 50 births in the next 25 s (a flapping HA): one more round, 30 s after the previous one.
    for (let i = 0; i < 50; i++) {
      t.transport.last.deliver('homeassistant/status', 'online');
      t.clock.advance(500);
    }
    t.clock.advance(10_000);
    expect(onTopic(t, voltageConfig)).toHaveLength(3);
    expect(gateway.metrics()).toEqual(expect.objectContaining({ home_assistant_restarts_total: 51, home_assistant_births_coalesced_total: 49, discovery_rounds_total: 3 }));
  });

  it('builds node ids HA accepts from any client id', () => {
    expect([nodeIdFrom('TinyBMS GW#2'), nodeIdFrom('')]).toEqual(['tinybms_gw_2', 'tinybms_gw']);
    const topics = gatewayTopics('p');
    const messages = discoveryMessages({ discoveryPrefix: 'd', topics, device: { nodeId: 'n', name: 'x', firmwareVersion: '1' }, cellCount: 99 });
    expect(messages.filter((m) => /\/cell_\d+_voltage\//.test(m.topic)).length).toBe(16);
    expect(new Set(messages.map((m) => JSON.parse(m.payload).unique_id)).size).toBe(messages.length);
  });
});
