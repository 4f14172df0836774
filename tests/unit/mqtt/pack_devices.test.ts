/**
 * Several packs on MQTT / Home Assistant: per-pack state topics under <prefix>/packs/<n>/ and a
 * device per pack linked to the bank device with via_device — only when more than one pack reports.
 */
import { discoveryMessages, packDevice, packDiscoveryMessages } from '../../../modules/mqtt_gateway/discovery';
import { gatewayTopics, packTopics } from '../../../modules/mqtt_gateway/topics';
import { createTestContext, type TestContext } from './support/context';
import { announcementProblems } from './support/ha_rules';
import { sampleLiveData } from './support/live_data';

import { lastOn, sent, startGateway } from './support/gateway';
const configOf = (t: TestContext, topic: string) => JSON.parse(lastOn(t, topic).payload) as Record<string, any>;

/** Pack 1 at 53.0 V / 20 A, pack 2 at 52.6 V / 18 A (other fields from the sample); the bank as their sum. */
function feedBank(t: TestContext, pack2Valid = true): void {
  const now = t.clock.now();
  t.bus.publish('bms.pack', { pack: 1, data: sampleLiveData(now, { pack_voltage_v: 53, pack_current_a: 20 }) });
  t.bus.publish('bms.pack', { pack: 2, data: sampleLiveData(now, { pack_voltage_v: 52.6, pack_current_a: 18, data_valid: pack2Valid }) });
  t.bus.publish('bms.data', sampleLiveData(now, { pack_voltage_v: 52.8, pack_current_a: 38 }));
}

describe('per-pack MQTT topics and HA devices', () => {
  it('publishes each pack under <prefix>/packs/<n>/ and keeps the bank on the usual topics', () => {
    const t = createTestContext();
    startGateway(t);
    feedBank(t);
    t.clock.advance(1000);
    expect(lastOn(t, 'tinybms/voltage').payload).toBe('52.8');
    expect(lastOn(t, 'tinybms/current').payload).toBe('38');
    expect(lastOn(t, 'tinybms/packs/1/voltage').payload).toBe('53');
    expect(lastOn(t, 'tinybms/packs/2/voltage').payload).toBe('52.6');
    expect(lastOn(t, 'tinybms/packs/2/current').payload).toBe('18');
    expect(lastOn(t, 'tinybms/packs/1/bms/availability')).toEqual(expect.objectContaining({ payload: 'online', retain: true }));
    t.clock.advance(4000);
    expect(JSON.parse(lastOn(t, 'tinybms/packs/2/status').payload).battery).toMatchObject({ voltage: 52.6, current: 18 });
    expect(JSON.parse(lastOn(t, 'tinybms/packs/1/cells').payload).count).toBe(16);
  });

  it('marks a silent pack unavailable while the bank and the other pack stay available', () => {
    const t = createTestContext();
    startGateway(t);
    feedBank(t);
    t.clock.advance(1000);
    const before = lastOn(t, 'tinybms/packs/2/voltage');
    feedBank(t, false);
    t.clock.advance(1000);
    expect(lastOn(t, 'tinybms/packs/2/bms/availability').payload).toBe('offline');
    expect(lastOn(t, 'tinybms/packs/1/bms/availability').payload).toBe('online');
    expect(lastOn(t, 'tinybms/bms/availability').payload).toBe('online');
    // No value from the invalid pack after it went silent.
    expect(lastOn(t, 'tinybms/packs/2/voltage')).toBe(before);
  });

  it('announces a device per pack, linked to the bank with via_device, on the pack topics', () => {
    const t = createTestContext();
    startGateway(t);
    feedBank(t);
    t.clock.advance(1000);
    const pack2 = configOf(t, 'homeassistant/sensor/tinybms-gw_pack2/pack_voltage/config');
    expect(pack2).toMatchObject({
      unique_id: 'tinybms-gw_pack2_pack_voltage',
      state_topic: 'tinybms/packs/2/voltage',
      availability: [{ topic: 'tinybms/availability' }, { topic: 'tinybms/packs/2/bms/availability' }],
      device: { identifiers: ['tinybms-gw_pack2'], via_device: 'tinybms-gw' },
    });
    expect(configOf(t, 'homeassistant/sensor/tinybms-gw_pack1/cell_16_voltage/config').state_topic).toBe('tinybms/packs/1/cells');
    expect(configOf(t, 'homeassistant/binary_sensor/tinybms-gw_pack2/alarm_bms_comm_lost/config').value_template).toBe("{{ 'ON' if 'BMS_COMM_LOST_P2' in value_json.codes else 'OFF' }}");
    // The bank device has no via_device, and its alert event lists the per-pack codes.
    const bank = configOf(t, 'homeassistant/sensor/tinybms-gw/pack_voltage/config');
    expect(bank.device.via_device).toBeUndefined();
    expect(configOf(t, 'homeassistant/event/tinybms-gw/alert/config').event_types).toEqual(expect.arrayContaining(['BMS_COMM_LOST', 'BMS_COMM_LOST_P1', 'BMS_COMM_LOST_P2']));
    // Gateway-only entities (limits, energy, diagnostics) stay on the bank device.
    expect(lastOn(t, 'homeassistant/sensor/tinybms-gw_pack1/charge_current_limit/config')).toBeUndefined();
  });

  it('the whole two-pack announcement is valid for Home Assistant (unique ids across devices)', () => {
    const topics = gatewayTopics('tinybms');
    const bank = { nodeId: 'garage', name: 'garage', firmwareVersion: '1.4.0' };
    const messages = [
      ...discoveryMessages({ discoveryPrefix: 'homeassistant', topics, device: bank, cellCount: 16, packCount: 2 }),
      ...[1, 2].flatMap((pack) => packDiscoveryMessages({ discoveryPrefix: 'homeassistant', topics: packTopics('tinybms', pack), device: packDevice(bank, pack), cellCount: 16, pack })),
    ];
    expect(announcementProblems(messages)).toEqual([]);
    expect(new Set(messages.map((m) => m.topic)).size).toBe(messages.length);
  });

  it('a single pack announces and publishes exactly as before: no pack topics, no pack devices', () => {
    const t = createTestContext();
    startGateway(t);
    t.bus.publish('bms.data', sampleLiveData(t.clock.now()));
    t.clock.advance(5000);
    expect(sent(t).filter((m) => m.topic.includes('/packs/') || m.topic.includes('_pack'))).toEqual([]);
    const single = discoveryMessages({ discoveryPrefix: 'homeassistant', topics: gatewayTopics('tinybms'), device: { nodeId: 'tinybms-gw', name: 'tinybms-gw', firmwareVersion: t.ctx.host.system.firmwareVersion }, cellCount: 16 });
    for (const message of single) expect(lastOn(t, message.topic)?.payload).toBe(message.payload);
  });
});
