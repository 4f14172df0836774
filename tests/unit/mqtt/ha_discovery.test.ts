/**
 * Every discovery config the gateway announces passes Home Assistant's rules (support/ha_rules.ts),
 * the energy entities are what HA's Energy dashboard takes, and every value template reads a
 * field the state topic really carries.
 */
import { discoveryMessages } from '../../../modules/mqtt_gateway/discovery';
import { createMqttModules } from '../../../modules/mqtt_gateway';
import { gatewayTopics } from '../../../modules/mqtt_gateway/topics';
import { createTestContext } from './support/context';
import { announcementProblems, discoveryProblems, templatePaths } from './support/ha_rules';
import { sampleLiveData } from './support/live_data';

const device = { nodeId: 'tinybms-gw-a1b2c3d4e5f6', name: 'garage', firmwareVersion: '1.4.0' };
const messages = discoveryMessages({ discoveryPrefix: 'homeassistant', topics: gatewayTopics('tinybms'), device, cellCount: 16 });
const configs = new Map(messages.map((m) => [m.topic.split('/').slice(-2, -1)[0], JSON.parse(m.payload) as Record<string, unknown>]));

describe('Home Assistant discovery rules', () => {
  it('every config of a 16-cell pack is valid for Home Assistant', () => {
    expect(messages.length).toBeGreaterThan(50);
    expect(announcementProblems(messages)).toEqual([]);
  });

  it('the validator rejects what HA rejects', () => {
    const base = { unique_id: 'x', state_topic: 't', device: { identifiers: ['n'] } };
    const topic = 'homeassistant/sensor/n/x/config';
    expect(discoveryProblems(topic, { ...base, device_class: 'energy', unit_of_measurement: 'Wh', state_class: 'measurement' })).toEqual([`${topic}: state_class measurement is impossible for device_class energy`]);
    expect(discoveryProblems(topic, { ...base, device_class: 'energy', unit_of_measurement: 'A', state_class: 'total_increasing' })).toHaveLength(1);
    expect(discoveryProblems(topic, { ...base, device_class: 'enum', unit_of_measurement: '%' })).toHaveLength(2);
    expect(discoveryProblems(topic, { ...base, device_class: 'battery', unit_of_measurement: 'Ah' })).toHaveLength(1);
    expect(discoveryProblems('homeassistant/binary_sensor/n/x/config', { ...base, device_class: 'voltage' })).toHaveLength(1);
    expect(discoveryProblems('homeassistant/event/n/x/config', { ...base })).toEqual(['homeassistant/event/n/x/config: event without event_types']);
    expect(discoveryProblems(topic, { ...base, entity_category: 'config' })).toHaveLength(1);
    expect(announcementProblems([{ topic, payload: JSON.stringify(base) }, { topic: 'homeassistant/sensor/n/y/config', payload: JSON.stringify(base) }])).toHaveLength(1);
  });

  it('energy: charged and discharged Wh as total_increasing energy (kWh shown), usable by the Energy dashboard', () => {
    for (const id of ['charged_energy', 'discharged_energy']) {
      expect(configs.get(id)).toEqual(
        expect.objectContaining({ device_class: 'energy', state_class: 'total_increasing', unit_of_measurement: 'Wh', suggested_unit_of_measurement: 'kWh', state_topic: 'tinybms/energy' }),
      );
    }
  });

  it('the richer entities: capacity, time to go, cell numbers, status enum, allowed/balancing, alarms, alert event, diagnostics', () => {
    expect(configs.get('remaining_capacity')).toEqual(expect.objectContaining({ unit_of_measurement: 'Ah', state_class: 'measurement' }));
    expect(configs.get('time_to_go')).toEqual(expect.objectContaining({ device_class: 'duration', unit_of_measurement: 's' }));
    expect(configs.get('online_status')).toEqual(expect.objectContaining({ device_class: 'enum', options: ['charging', 'fully_charged', 'discharging', 'regeneration', 'idle', 'fault', 'unknown'] }));
    for (const id of ['charge_allowed', 'discharge_allowed', 'balancing']) expect(messages.some((m) => m.topic === `homeassistant/binary_sensor/${device.nodeId}/${id}/config`)).toBe(true);
    expect(configs.get('alarm_over_temp')).toEqual(expect.objectContaining({ device_class: 'problem', value_template: "{{ 'ON' if 'OVER_TEMP' in value_json.codes else 'OFF' }}" }));
    expect(configs.get('alert')).toEqual(expect.objectContaining({ state_topic: 'tinybms/alerts', event_types: expect.arrayContaining(['OVER_TEMP', 'BMS_COMM_LOST']) }));
    for (const id of ['wifi_signal', 'uptime', 'firmware', 'bms_link', 'can_bus']) expect(configs.get(id)?.entity_category).toBe('diagnostic');
    const voltage = configs.get('pack_voltage') as Record<string, unknown>;
    expect(voltage.origin).toEqual({ name: 'TinyBMS-GW', sw_version: '1.4.0' });
    expect((voltage.device as Record<string, unknown>).sw_version).toBe('1.4.0');
  });

  it('every value template reads a field its state topic carries', () => {
    const t = createTestContext({ client_id: device.nodeId });
    const modules = createMqttModules(t.ctx, { gateway: { sources: { energy: () => ({ charged_wh: 12345.6, discharged_wh: 2345.9 }), capacityAh: () => 280, wifiRssi: () => -61, canState: () => 'running' } } });
    modules.client.start();
    modules.gateway.start();
    t.clock.runDue();
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.bus.publish('alert.raised', { timestamp: 1, level: 'error', code: 'OVER_TEMP', message: 'hot' });
    t.bus.publish('charge.limits', { charge_voltage_limit_v: 55.2, charge_current_limit_a: 80, discharge_current_limit_a: 150, discharge_voltage_limit_v: 44.8, charge_allowed: true, discharge_allowed: false, reasons: [] });
    t.clock.advance(5000);
    const latest = new Map<string, string>();
    for (const message of t.transport.last.sent) latest.set(message.topic, message.payload);
    const missing: string[] = [];
    for (const [id, config] of configs) {
      const payload = latest.get(config.state_topic as string);
      if (payload === undefined) {
        missing.push(`${id}: nothing published on ${String(config.state_topic)}`);
        continue;
      }
      for (const path of templatePaths(String(config.value_template ?? ''))) {
        let value: unknown = JSON.parse(payload);
        for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
        if (value === undefined) missing.push(`${id}: ${config.state_topic} has no ${path.join('.')}`);
      }
    }
    expect(missing).toEqual([]);
    const energy = JSON.parse(latest.get('tinybms/energy') as string);
    // 2345.9 Wh over 280 Ah × 16 × 3.2 V = 14 336 Wh: 0.16 cycles, rounded down to 0.1.
    expect(energy).toEqual({ charged_wh: 12345, discharged_wh: 2345, cycles: 0.1 });
    expect(JSON.parse(latest.get('tinybms/diagnostics') as string)).toEqual({ uptime_s: Math.floor(t.clock.now() / 1000), wifi_rssi_dbm: -61, firmware: '1.2.3-test', can_state: 'running' });
    expect(JSON.parse(latest.get('tinybms/status') as string).battery.remaining_ah).toBe(214.3);
  });
});
