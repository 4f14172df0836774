import fc from 'fast-check';
import { AlertManager } from '../../../modules/alert_manager';
import type { AlertCode } from '../../../modules/alert_manager';
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { createTestContext, eventsNamed, liveData, type TestContext } from './support/context';
import { codesOf, started } from './support/started';

/** How to put one measured value into a snapshot, and the values around its default thresholds. */
interface Case {
  code: AlertCode;
  level: 'error' | 'warning';
  data(now: number, value: number): LiveData;
  /** Exactly at the limit: must not raise. */
  atLimit: number;
  beyond: number;
  /** Back inside, but not by the whole margin: must not clear. */
  inBand: number;
  /** Back inside by the margin: clears. */
  cleared: number;
  raisedMessage: string;
  clearedMessage: string;
}

// Defaults: cell 2800..3650 mV, 55 °C, 150 A, 100 mV imbalance; hysteresis 50 mV, 5 °C, 10 A; 2 s minimum.
const CASES: Case[] = [
  {
    code: 'OVER_VOLTAGE', level: 'error', data: (t, v) => liveData(t, {}, { 7: v }, v - 20), // neighbours close: no imbalance
    atLimit: 3650, beyond: 3652, inBand: 3601, cleared: 3600,
    raisedMessage: 'Cell 7 at 3.652 V exceeds 3.650 V', clearedMessage: 'Cell 7 at 3.600 V, back at or below 3.600 V',
  },
  {
    code: 'UNDER_VOLTAGE', level: 'error', data: (t, v) => liveData(t, {}, { 3: v }, v + 20),
    atLimit: 2800, beyond: 2750, inBand: 2849, cleared: 2850,
    raisedMessage: 'Cell 3 at 2.750 V is below 2.800 V', clearedMessage: 'Cell 3 at 2.850 V, back at or above 2.850 V',
  },
  {
    code: 'OVER_TEMP', level: 'error', data: (t, v) => liveData(t, { temperatures_c: [25, v] }),
    atLimit: 55, beyond: 58, inBand: 50.1, cleared: 50,
    raisedMessage: 'Temperature 58.0 °C exceeds 55.0 °C', clearedMessage: 'Temperature 50.0 °C, back at or below 50.0 °C',
  },
  {
    code: 'OVER_CURRENT', level: 'warning', data: (t, v) => liveData(t, { pack_current_a: -v }),
    atLimit: 150, beyond: 162.5, inBand: 140.1, cleared: 140,
    raisedMessage: 'Discharge current 162.5 A exceeds 150.0 A', clearedMessage: 'Discharge current 140.0 A, back at or below 140.0 A',
  },
  {
    code: 'CELL_IMBALANCE', level: 'warning', data: (t, v) => liveData(t, {}, { 9: 3300 + v }),
    atLimit: 100, beyond: 120, inBand: 51, cleared: 50,
    raisedMessage: 'Cell imbalance 120 mV (Cell 9 3.420 V, Cell 1 3.300 V) exceeds 100 mV',
    clearedMessage: 'Cell imbalance 50 mV, back at or below 50 mV',
  },
];

/** Feed `value` every 500 ms for `ms` (first sample now). */
function feed(t: TestContext, c: Case, value: number, ms: number): void {
  for (let elapsed = 0; elapsed < ms; elapsed += 500) {
    t.emit('bms.data', c.data(t.clock.now(), value));
    t.clock.advance(500);
  }
}

describe.each(CASES)('$code', (c) => {
  it('raises only past the limit for the minimum duration, clears only back inside by the margin', () => {
    const { t, alerts } = started();
    feed(t, c, c.atLimit, 10_000);
    feed(t, c, c.beyond, 1_500); // shorter than min_duration_ms (2 s)
    feed(t, c, c.atLimit, 1_000);
    expect(t.events).toEqual([]);

    feed(t, c, c.beyond, 2_500);
    expect(eventsNamed(t.events, 'alert.raised')).toEqual([{ timestamp: expect.any(Number), level: c.level, code: c.code, message: c.raisedMessage }]);
    expect(alerts.activeAlerts()).toMatchObject([{ code: c.code, active: true, count: 1, acknowledged: false }]);

    feed(t, c, c.inBand, 10_000);
    feed(t, c, c.cleared, 1_500);
    feed(t, c, c.inBand, 1_000);
    expect(codesOf(t, 'alert.cleared')).toEqual([]);

    feed(t, c, c.cleared, 2_500);
    expect(eventsNamed(t.events, 'alert.cleared')).toEqual([{ timestamp: expect.any(Number), level: 'info', code: c.code, message: c.clearedMessage }]);
    expect(codesOf(t, 'alert.raised')).toEqual([c.code]);
    // Nobody acknowledged it: it stays listed as latched.
    expect(alerts.activeAlerts()).toMatchObject([{ code: c.code, active: false }]);
    alerts.stop();
  });

  it('does not flap on noise around the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 10, maxLength: 80 }), (aboveOrBand) => {
        const { t, alerts } = started();
        feed(t, c, c.beyond, 2_500);
        // Once raised, any mix of values past the limit and inside the hysteresis band never clears it.
        for (const above of aboveOrBand) feed(t, c, above ? c.beyond : c.inBand, 500);
        expect(codesOf(t, 'alert.raised')).toEqual([c.code]);
        expect(codesOf(t, 'alert.cleared')).toEqual([]);
        alerts.stop();
      }),
      { numRuns: 30 },
    );
  });
});

describe('alert_manager', () => {
  it('does not raise on spikes shorter than the minimum duration, however many', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 5, maxLength: 40 }), (spikes) => {
        const { t, alerts } = started();
        const c = CASES[0];
        for (const halfSeconds of spikes) {
          feed(t, c, c.beyond, halfSeconds * 500); // at most 1.5 s past the limit
          feed(t, c, c.atLimit, 500);
        }
        expect(t.events).toEqual([]);
        alerts.stop();
      }),
      { numRuns: 30 },
    );
  });

  it('raises BMS_COMM_LOST after 30 s of total silence and clears it on fresh data', () => {
    const { t, alerts } = started();
    t.clock.advance(29_999);
    expect(t.events).toEqual([]);
    t.clock.advance(1);
    expect(eventsNamed(t.events, 'alert.raised')).toEqual([
      { timestamp: expect.any(Number), level: 'error', code: 'BMS_COMM_LOST', message: 'No valid BMS data for 30.0 s' },
    ]);
    expect(alerts.metrics().bms_comm_lost).toBe(true);
    t.clock.advance(12_000);
    t.emit('bms.data', liveData(t.clock.now()));
    expect(eventsNamed(t.events, 'alert.cleared')).toEqual([
      { timestamp: expect.any(Number), level: 'info', code: 'BMS_COMM_LOST', message: 'Valid BMS data again after 42.0 s' },
    ]);
    expect(alerts.metrics().bms_comm_lost).toBe(false);
    alerts.stop();
  });

  it('counts only valid data against BMS_COMM_LOST, and stays quiet while valid data flows', () => {
    const { t, alerts } = started();
    for (let i = 0; i < 300; i++) {
      t.emit('bms.data', liveData(t.clock.now()));
      t.clock.advance(1_000);
    }
    expect(t.events).toEqual([]);
    // Polls keep arriving but fail: the last valid data ages out.
    for (let i = 0; i < 31; i++) {
      t.emit('bms.data', liveData(t.clock.now(), { data_valid: false }));
      t.clock.advance(1_000);
    }
    expect(codesOf(t, 'alert.raised')).toEqual(['BMS_COMM_LOST']);
    alerts.stop();
  });

  it('raises BMS_COMM_LOST once per silence, and again after a new silence', () => {
    const { t, alerts } = started({ config: { alerts: { comm_lost_after_ms: 5_000 } } });
    t.clock.advance(60_000);
    t.emit('bms.data', liveData(t.clock.now()));
    t.clock.advance(5_000);
    expect(codesOf(t, 'alert.raised')).toEqual(['BMS_COMM_LOST', 'BMS_COMM_LOST']);
    expect(codesOf(t, 'alert.cleared')).toEqual(['BMS_COMM_LOST']);
    expect(alerts.activeAlerts()).toMatchObject([{ code: 'BMS_COMM_LOST', count: 2, active: true }]);
    alerts.stop();
  });

  it('applies a changed comm-lost timeout from the last valid data', () => {
    const { t, alerts } = started();
    t.emit('bms.data', liveData(t.clock.now()));
    t.clock.advance(4_000);
    t.patchConfig({ alerts: { comm_lost_after_ms: 5_000 } });
    t.clock.advance(999);
    expect(t.events).toEqual([]);
    t.clock.advance(1);
    expect(codesOf(t, 'alert.raised')).toEqual(['BMS_COMM_LOST']);
    alerts.stop();
  });

  it('neither raises nor clears on invalid data, and invalid data interrupts a pending change', () => {
    const { t, alerts } = started();
    const c = CASES[0];
    feed(t, c, c.beyond, 1_500);
    t.emit('bms.data', { ...c.data(t.clock.now(), c.beyond), data_valid: false });
    t.clock.advance(500);
    feed(t, c, c.beyond, 1_500);
    expect(t.events).toEqual([]);
    feed(t, c, c.beyond, 1_000);
    expect(codesOf(t, 'alert.raised')).toEqual(['OVER_VOLTAGE']);
    for (let i = 0; i < 20; i++) {
      t.emit('bms.data', { ...c.data(t.clock.now(), c.cleared), data_valid: false });
      t.clock.advance(500);
    }
    expect(codesOf(t, 'alert.cleared')).toEqual([]);
    expect(alerts.metrics().invalid_samples_total).toBe(21);
    alerts.stop();
  });

  it('applies new thresholds from the configuration', () => {
    const { t, alerts } = started();
    const c = CASES[0];
    feed(t, c, 3600, 3_000);
    expect(t.events).toEqual([]);
    t.patchConfig({ alerts: { cell_voltage_max_mv: 3550 } });
    feed(t, c, 3600, 3_000);
    expect(eventsNamed(t.events, 'alert.raised').map((a) => a.message)).toEqual(['Cell 7 at 3.600 V exceeds 3.550 V']);
    alerts.stop();
  });

  it('raises MQTT_DISCONNECTED and WIFI_DISCONNECTED only after the minimum duration', () => {
    const { t, alerts } = started({ config: { mqtt: { enabled: true } } });
    t.emit('mqtt.disconnected', { reason: 'keepalive timeout' });
    t.clock.advance(1_000);
    t.emit('mqtt.connected', { broker: 'mqtt://broker:1883' });
    t.clock.advance(5_000);
    expect(codesOf(t, 'alert.raised')).toEqual([]);

    t.emit('mqtt.disconnected', { reason: 'connection refused' });
    t.emit('wifi.disconnected', { reason: 'beacon timeout' });
    t.clock.advance(2_000);
    expect(eventsNamed(t.events, 'alert.raised').map(({ code, level, message }) => ({ code, level, message }))).toEqual([
      { code: 'MQTT_DISCONNECTED', level: 'warning', message: 'MQTT broker connection lost: connection refused' },
      { code: 'WIFI_DISCONNECTED', level: 'warning', message: 'Wi-Fi station disconnected: beacon timeout' },
    ]);
    // Repeated disconnect reports while down raise nothing more.
    t.emit('mqtt.disconnected', { reason: 'connection refused' });
    t.clock.advance(5_000);
    expect(codesOf(t, 'alert.raised')).toHaveLength(2);

    t.emit('wifi.connected', { ssid: 'home', ip: '192.168.1.20' });
    t.emit('mqtt.connected', { broker: 'mqtt://broker:1883' });
    expect(codesOf(t, 'alert.cleared')).toEqual(['WIFI_DISCONNECTED', 'MQTT_DISCONNECTED']);
    alerts.stop();
  });

  it('clears MQTT_DISCONNECTED and raises nothing while MQTT is disabled', () => {
    const { t, alerts } = started({ config: { mqtt: { enabled: true } } });
    t.emit('mqtt.disconnected', { reason: 'broker gone' });
    t.clock.advance(3_000);
    t.patchConfig({ mqtt: { enabled: false } });
    t.emit('mqtt.disconnected', { reason: 'disabled' });
    t.clock.advance(10_000);
    expect(codesOf(t, 'alert.raised')).toEqual(['MQTT_DISCONNECTED']);
    expect(codesOf(t, 'alert.cleared')).toEqual(['MQTT_DISCONNECTED']);
    alerts.stop();
  });

  it('keeps first-seen, last-seen and count, and latches until acknowledged', () => {
    const { t, alerts } = started({ config: { alerts: { min_duration_ms: 0 } } });
    const c = CASES[0];
    const firstAt = t.clock.wallTime();
    feed(t, c, c.beyond, 3_000);
    const lastAt = t.clock.wallTime() - 500;
    expect(alerts.activeAlerts()).toMatchObject([{ code: 'OVER_VOLTAGE', first_seen: firstAt, last_seen: lastAt, count: 1, active: true }]);
    feed(t, c, c.cleared, 500);
    feed(t, c, c.beyond, 500);
    feed(t, c, c.cleared, 500);
    expect(alerts.activeAlerts()).toMatchObject([{ code: 'OVER_VOLTAGE', first_seen: firstAt, count: 2, active: false, acknowledged: false }]);
    expect(alerts.acknowledge(['OVER_VOLTAGE'])).toEqual(['OVER_VOLTAGE']);
    expect(alerts.activeAlerts()).toEqual([]);
  });

  it('keeps an acknowledged active alert until its condition ends, then drops it', () => {
    const { t, alerts } = started({ config: { alerts: { min_duration_ms: 0 } } });
    const [over, under] = CASES;
    feed(t, over, over.beyond, 500);
    feed(t, under, under.beyond, 500); // cell 7 back to 3.300 V clears OVER_VOLTAGE, cell 3 low
    expect(alerts.activeAlerts().map((a) => [a.code, a.active])).toEqual([['OVER_VOLTAGE', false], ['UNDER_VOLTAGE', true]]);
    expect(alerts.acknowledge('all')).toEqual(['OVER_VOLTAGE', 'UNDER_VOLTAGE']);
    expect(alerts.activeAlerts()).toMatchObject([{ code: 'UNDER_VOLTAGE', acknowledged: true, active: true }]);
    feed(t, under, under.cleared, 500);
    expect(alerts.activeAlerts()).toEqual([]);
  });

  it('clear() removes latched alerts and keeps those whose condition holds', () => {
    const { t, alerts } = started({ config: { alerts: { min_duration_ms: 0 } } });
    t.emit('wifi.disconnected', { reason: 'lost' });
    t.clock.advance(0);
    t.emit('wifi.connected', { ssid: 'home', ip: '10.0.0.2' });
    const c = CASES[2];
    feed(t, c, c.beyond, 500);
    expect(alerts.clear()).toEqual(['WIFI_DISCONNECTED']);
    expect(alerts.activeAlerts().map((a) => a.code)).toEqual(['OVER_TEMP']);
    expect(alerts.clear(['OVER_TEMP'])).toEqual([]);
  });

  it('refuses unknown codes without changing anything', () => {
    const { t, alerts } = started({ config: { alerts: { min_duration_ms: 0 } } });
    feed(t, CASES[0], CASES[0].beyond, 500);
    expect(() => alerts.acknowledge(['OVER_VOLTAGE', 'NOPE'])).toThrow(new RangeError('unknown alert code: "NOPE"'));
    expect(() => alerts.clear(['x', 'y'])).toThrow(RangeError);
    expect(alerts.activeAlerts()).toMatchObject([{ code: 'OVER_VOLTAGE', acknowledged: false }]);
  });

  it('logs system events newest first, bounded, with the requested limit', () => {
    const t = createTestContext();
    const alerts = new AlertManager(t.ctx, { eventLogCapacity: 5 });
    alerts.start();
    const seen: string[] = [];
    alerts.onEvent((e) => seen.push(e.type));
    t.emit('bms.link', { online: false, reason: '3 polls without answer' });
    t.emit('ota.started', { size: 1024 });
    t.emit('ota.failed', { reason: 'bad signature' });
    t.emit('mqtt.connected', { broker: 'mqtt://b' });
    t.emit('wifi.connected', { ssid: 'home', ip: '10.0.0.2' });
    t.patchConfig({ history: { retention_days: 5 } });
    expect(alerts.events(3).map(({ type, level, message }) => ({ type, level, message }))).toEqual([
      { type: 'config_updated', level: 'info', message: 'Configuration updated: history.retention_days' },
      { type: 'wifi_connected', level: 'info', message: 'Wi-Fi connected to "home" as 10.0.0.2' },
      { type: 'mqtt_connected', level: 'info', message: 'MQTT connected to mqtt://b' },
    ]);
    const all = alerts.events();
    expect(all.map((e) => e.type)).toEqual(['config_updated', 'wifi_connected', 'mqtt_connected', 'ota_failed', 'ota_started']);
    expect(all.map((e) => e.id)).toEqual([6, 5, 4, 3, 2]);
    expect(seen).toEqual(['bms_link', 'ota_started', 'ota_failed', 'mqtt_connected', 'wifi_connected', 'config_updated']);
    expect(() => alerts.events(0)).toThrow(RangeError);
    expect(() => alerts.events(2.5)).toThrow(RangeError);
    expect(alerts.metrics().events_logged_total).toBe(6);
    alerts.stop();
  });

  it('logs events other modules report (web actions, lockouts) like its own, listeners included', () => {
    const t = createTestContext();
    const alerts = new AlertManager(t.ctx);
    alerts.start();
    const seen: string[] = [];
    alerts.onEvent((e) => seen.push(`${e.type}:${e.message}`));
    const recorded = alerts.recordEvent('warning', 'user_action', 'history erased by admin');
    alerts.recordEvent('warning', 'login_lockout', 'login locked for 10.0.0.9 for 60 s after repeated failures');
    expect(recorded).toMatchObject({ id: 1, level: 'warning', type: 'user_action', message: 'history erased by admin' });
    expect(alerts.events().map(({ id, type }) => [id, type])).toEqual([
      [2, 'login_lockout'],
      [1, 'user_action'],
    ]);
    expect(seen).toEqual(['user_action:history erased by admin', 'login_lockout:login locked for 10.0.0.9 for 60 s after repeated failures']);
    alerts.stop();
  });

  it('records raised and cleared alerts in the event log', () => {
    const { t, alerts } = started({ config: { alerts: { min_duration_ms: 0 } } });
    const c = CASES[3];
    feed(t, c, c.beyond, 500);
    feed(t, c, c.cleared, 500);
    expect(alerts.events().map(({ type, level, code, message }) => ({ type, level, code, message }))).toEqual([
      { type: 'alert_cleared', level: 'info', code: 'OVER_CURRENT', message: c.clearedMessage },
      { type: 'alert_raised', level: 'warning', code: 'OVER_CURRENT', message: c.raisedMessage },
    ]);
  });

  it('counts alerts the full bus could not take, and keeps them in the active set', () => {
    const t = createTestContext({ config: { alerts: { min_duration_ms: 0 } } });
    // A subscriber ahead of the alert manager fills the queue while bms.data is delivered.
    t.bus.subscribe('bms.data', () => {
      for (let i = 0; i < 32; i++) t.bus.publish('can.tx_ok', { id: 0x351 });
    });
    const alerts = new AlertManager(t.ctx);
    alerts.start();
    t.emit('bms.data', liveData(0, { pack_current_a: 400 }));
    expect(alerts.metrics().bus_publish_dropped_total).toBe(1);
    expect(t.events).toEqual([]);
    expect(alerts.activeAlerts().map((a) => a.code)).toEqual(['OVER_CURRENT']);
    expect(t.logs).toContainEqual({ level: 'error', tag: 'alert_manager', message: 'event bus full: alert.raised OVER_CURRENT not delivered' });
    alerts.stop();
  });

  it('isolates a throwing event listener', () => {
    const { t, alerts } = started();
    alerts.onEvent(() => {
      throw new Error('listener broke');
    });
    const seen: number[] = [];
    alerts.onEvent((e) => seen.push(e.id));
    t.emit('ota.completed', { version: '1.2.4' });
    expect(seen).toEqual([1]);
    expect(alerts.metrics().event_listener_errors_total).toBe(1);
    alerts.stop();
  });

  it('stop() cancels the comm-lost timer and unsubscribes', () => {
    const { t, alerts } = started();
    alerts.stop();
    t.clock.advance(120_000);
    t.emit('wifi.disconnected', { reason: 'x' });
    t.clock.advance(10_000);
    expect(t.events).toEqual([]);
    expect(t.clock.pendingTimers).toBe(0);
  });
});
