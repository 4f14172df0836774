/** wifi: station policy on the virtual clock with a scripted radio. */
import type { Host } from '../../../hosts/host';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import type { LogLevel } from '../../../hosts/ports/log';
import { defaultConfig } from '../../../modules/config_manager/config_manager';
import type { GatewayConfig, WifiConfig } from '../../../modules/config_manager/config_types';
import { createGatewayBus, type GatewayEvents } from '../../../modules/event_bus/events';
import type { GatewayContext } from '../../../modules/gateway/context';
import { createLogger } from '../../../modules/util/logger';
import { WifiManager, type WifiManagerOptions } from '../../../modules/wifi/wifi_manager';
import { ScriptedRadio } from './scripted_radio';

const START = 5_000_000;

type WifiEvent = { name: 'wifi.connected'; payload: GatewayEvents['wifi.connected'] } | { name: 'wifi.disconnected'; payload: GatewayEvents['wifi.disconnected'] };

function setup(wifi: Partial<WifiConfig> = {}, options: WifiManagerOptions = {}, withRadio = true) {
  const clock = new VirtualClock(START);
  const radio = new ScriptedRadio(clock);
  const logs: { level: LogLevel; message: string }[] = [];
  const log = { log: (level: LogLevel, _tag: string, message: string) => logs.push({ level, message }) };
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const base = defaultConfig();
  let config: GatewayConfig = { ...base, wifi: { ...base.wifi, ssid: 'HomeNet', password: 'correct horse', ...wifi } };
  // Only the ports the wifi module uses exist; touching another would throw.
  const host = { clock, log, wifi: withRadio ? radio : undefined } as unknown as Host;
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag, () => 'debug') };
  const events: WifiEvent[] = [];
  bus.subscribe('wifi.connected', (payload) => events.push({ name: 'wifi.connected', payload }));
  bus.subscribe('wifi.disconnected', (payload) => events.push({ name: 'wifi.disconnected', payload }));
  const manager = new WifiManager(ctx, options);
  const updateWifi = (patch: Partial<WifiConfig>, section: keyof GatewayConfig = 'wifi') => {
    config = section === 'wifi' ? { ...config, wifi: { ...config.wifi, ...patch } } : { ...config, mqtt: { ...config.mqtt, keepalive_s: 30 } };
    bus.publish('config.updated', { config, changed: Object.keys(patch).map((k) => `${section}.${k}`) });
    clock.runDue();
  };
  const start = () => {
    manager.start();
    clock.runDue();
  };
  return { clock, radio, bus, manager, events, logs, updateWifi, start };
}

/** Let the radio fail every attempt (the one under way included) until `untilMs` after START, answering each at once. */
function failEveryAttempt(t: ReturnType<typeof setup>, untilMs: number, reason = 'no AP found') {
  let answered = t.radio.attemptTimes().length - (t.manager.state === 'connecting' ? 1 : 0);
  while (t.clock.now() - START < untilMs) {
    const attempts = t.radio.attemptTimes().length;
    if (attempts > answered) {
      answered = attempts;
      t.radio.reportDisconnected(reason);
    }
    t.clock.advance(100);
  }
}

describe('wifi manager: station', () => {
  it('joins the configured network with its hostname and announces the address', () => {
    const t = setup({ ssid: 'HomeNet', password: 'correct horse', hostname: 'battery-gw' });
    t.start();
    expect(t.radio.calls).toEqual([{ call: 'connectStation', ssid: 'HomeNet', password: 'correct horse', hostname: 'battery-gw', at: START }]);
    expect(t.manager.state).toBe('connecting');
    t.radio.reportConnected('10.0.0.7');
    t.clock.runDue();
    expect(t.manager.state).toBe('connected');
    expect(t.events).toEqual([{ name: 'wifi.connected', payload: { ssid: 'HomeNet', ip: '10.0.0.7' } }]);
    t.clock.advance(2500);
    expect(t.manager.status()).toMatchObject({ state: 'connected', ip: '10.0.0.7', hostname: 'battery-gw', rssi_dbm: -61, connected_for_ms: 2500, access_point_active: false });
    expect(t.manager.metrics()).toMatchObject({ connected: true, ssid: 'HomeNet', ip: '10.0.0.7', hostname: 'battery-gw', rssi_dbm: -61, connect_attempts_total: 1, reconnects_total: 0 });
  });

  it('rejoins after a drop with backoff 1, 2, 4, 8, 16, 16 s and tells the outage once', () => {
    const t = setup();
    t.start();
    t.radio.reportConnected();
    t.clock.runDue();
    t.clock.advance(60_000);
    const dropAt = t.clock.now();
    t.radio.reportDisconnected('AP rebooted');
    t.clock.runDue();
    expect(t.manager.state).toBe('waiting_retry');
    expect(t.manager.status().next_retry_in_ms).toBe(1000);
    failEveryAttempt(t, dropAt - START + 1000 + 2000 + 4000 + 8000 + 16000 + 16000 + 500);
    const retries = t.radio.attemptTimes(dropAt).slice(1);
    // Each wait runs from the moment the previous attempt failed (answered at once here).
    const gaps = retries.map((at, i) => at - (i === 0 ? 0 : retries[i - 1]));
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000, 16000]);
    const disconnects = t.events.filter((e) => e.name === 'wifi.disconnected');
    expect(disconnects).toEqual([{ name: 'wifi.disconnected', payload: { reason: 'AP rebooted' } }]);
    expect(t.manager.metrics()).toMatchObject({ disconnects_total: 1, reconnects_total: 6, connect_failures_total: 6 });
    expect(t.manager.status().last_error).toBe('no AP found');
    expect(t.manager.metrics()).not.toHaveProperty('rssi_dbm');
    expect(t.manager.metrics().ip).toBe('');
  });

  it('starts the backoff over after a successful rejoin', () => {
    const t = setup();
    t.start();
    t.radio.reportConnected();
    t.clock.runDue();
    t.radio.reportDisconnected();
    t.clock.runDue();
    failEveryAttempt(t, 1000 + 2000 + 4000 + 50);
    expect(t.radio.attemptTimes().length).toBe(4);
    t.clock.advance(8000);
    t.radio.reportConnected('10.0.0.9');
    t.clock.runDue();
    expect(t.manager.state).toBe('connected');
    const second = t.clock.now();
    t.radio.reportDisconnected('beacon timeout');
    t.clock.runDue();
    t.clock.advance(999);
    expect(t.radio.attemptTimes().length).toBe(5);
    t.clock.advance(1);
    expect(t.radio.attemptTimes(second).at(-1)).toBe(1000);
    expect(t.events.map((e) => e.name)).toEqual(['wifi.connected', 'wifi.disconnected', 'wifi.connected', 'wifi.disconnected']);
  });

  it('reports a failed first join at boot once and keeps trying', () => {
    const t = setup();
    t.start();
    t.radio.reportDisconnected('wrong password');
    t.clock.runDue();
    expect(t.events).toEqual([{ name: 'wifi.disconnected', payload: { reason: 'wrong password' } }]);
    t.clock.advance(1000);
    expect(t.radio.attemptTimes()).toEqual([0, 1000]);
    t.radio.reportDisconnected('wrong password');
    t.clock.advance(2000);
    expect(t.radio.attemptTimes()).toEqual([0, 1000, 3000]);
    expect(t.events).toHaveLength(1);
  });

  it('gives up on an attempt the radio never settles, after the connect timeout', () => {
    const t = setup({ ssid: 'Silent' }, { connectTimeoutMs: 30_000 });
    t.start();
    t.clock.advance(29_999);
    expect(t.manager.state).toBe('connecting');
    t.clock.advance(1);
    expect(t.radio.callNames()).toEqual(['connectStation', 'disconnect']);
    expect(t.manager.state).toBe('waiting_retry');
    expect(t.manager.status().last_error).toBe('no connection to "Silent" after 30 s');
    t.clock.advance(1000);
    expect(t.radio.attemptTimes()).toEqual([0, 31_000]);
  });

  it('counts a join the radio refuses outright as a failure and retries later', () => {
    const t = setup();
    t.radio.refuseNextConnect = 'ssid too long - 32 bytes max';
    t.start();
    expect(t.manager.state).toBe('waiting_retry');
    expect(t.manager.status().last_error).toBe('the radio refused to connect: ssid too long - 32 bytes max');
    expect(t.logs.some((l) => l.level === 'warn' && l.message.includes('ssid too long'))).toBe(true);
    t.clock.advance(1000);
    expect(t.radio.attemptTimes()).toEqual([1000]);
  });

  it('accepts a late success while waiting to retry and cancels the retry', () => {
    const t = setup({}, { connectTimeoutMs: 5000 });
    t.start();
    t.clock.advance(5000);
    expect(t.manager.state).toBe('waiting_retry');
    t.radio.reportConnected('10.1.1.1');
    t.clock.runDue();
    expect(t.manager.state).toBe('connected');
    t.clock.advance(60_000);
    expect(t.radio.attemptTimes()).toEqual([0]);
  });

  it('announces a new address without counting a reconnect', () => {
    const t = setup();
    t.start();
    t.radio.reportConnected('10.0.0.2');
    t.clock.runDue();
    t.clock.advance(1000);
    t.radio.reportConnected('10.0.0.3');
    t.clock.runDue();
    expect(t.events.map((e) => e.payload)).toEqual([{ ssid: 'HomeNet', ip: '10.0.0.2' }, { ssid: 'HomeNet', ip: '10.0.0.3' }]);
    expect(t.manager.status().connected_for_ms).toBe(1000);
    expect(t.manager.metrics().reconnects_total).toBe(0);
  });
});

describe('wifi manager: setup access point', () => {
  it('opens the access point and no station when no SSID is configured', () => {
    const t = setup({ ssid: '', ap_ssid: 'TinyBMS-GW', ap_password: 'tinybms-setup' });
    t.start();
    expect(t.radio.calls).toEqual([{ call: 'startAccessPoint', ssid: 'TinyBMS-GW', password: 'tinybms-setup', at: START }]);
    expect(t.manager.state).toBe('access_point');
    t.clock.advance(600_000);
    expect(t.radio.attemptTimes()).toEqual([]);
    expect(t.events).toEqual([]);
    expect(t.manager.status()).toMatchObject({ access_point_active: true, access_point_ssid: 'TinyBMS-GW', rssi_dbm: null });
  });

  it('closes the access point and joins once an SSID is saved', () => {
    const t = setup({ ssid: '' });
    t.start();
    t.clock.advance(10_000);
    t.updateWifi({ ssid: 'HomeNet', password: 'secret pass' });
    expect(t.radio.callNames()).toEqual(['startAccessPoint', 'disconnect', 'stopAccessPoint', 'connectStation']);
    t.radio.reportConnected('192.168.4.20');
    t.clock.runDue();
    expect(t.events).toEqual([{ name: 'wifi.connected', payload: { ssid: 'HomeNet', ip: '192.168.4.20' } }]);
    expect(t.manager.status().access_point_active).toBe(false);
  });

  it('opens the access point next to the station after repeated failures, and closes it on success', () => {
    const t = setup({ ssid: 'Typo', ap_ssid: 'Setup-AP' }, { accessPointAfterFailures: 3 });
    t.start();
    failEveryAttempt(t, 1000 + 2000 + 50);
    expect(t.radio.attemptTimes()).toEqual([0, 1000, 3000]);
    expect(t.radio.callNames().filter((c) => c === 'startAccessPoint')).toEqual(['startAccessPoint']);
    expect(t.manager.status()).toMatchObject({ state: 'waiting_retry', access_point_active: true, access_point_ssid: 'Setup-AP' });
    // The station keeps trying while the access point is open.
    t.clock.advance(4000);
    expect(t.radio.attemptTimes()).toEqual([0, 1000, 3000, 7000]);
    t.radio.reportConnected();
    t.clock.runDue();
    expect(t.radio.callNames().at(-1)).toBe('stopAccessPoint');
    expect(t.manager.metrics()).toMatchObject({ access_point_active: false, access_point_opened_total: 1 });
  });

  it('never opens the fallback access point once the station has connected', () => {
    const t = setup({}, { accessPointAfterFailures: 2 });
    t.start();
    t.radio.reportConnected();
    t.clock.runDue();
    t.radio.reportDisconnected();
    t.clock.runDue();
    failEveryAttempt(t, 60_000);
    expect(t.radio.callNames()).not.toContain('startAccessPoint');
  });
});

describe('wifi manager: configuration and lifecycle', () => {
  it('rejoins at once when the SSID changes, telling the loss of the old link', () => {
    const t = setup();
    t.start();
    t.radio.reportConnected();
    t.clock.runDue();
    t.updateWifi({ ssid: 'Other', password: 'another pass' });
    expect(t.radio.calls.slice(-2).map((c) => c.call)).toEqual(['disconnect', 'connectStation']);
    expect(t.radio.calls.at(-1)).toMatchObject({ ssid: 'Other', password: 'another pass' });
    expect(t.events.at(-1)).toEqual({ name: 'wifi.disconnected', payload: { reason: 'configuration changed' } });
    expect(t.manager.state).toBe('connecting');
  });

  it('ignores configuration changes outside its settings', () => {
    const t = setup();
    t.start();
    t.radio.reportConnected();
    t.clock.runDue();
    t.updateWifi({}, 'mqtt');
    expect(t.radio.callNames()).toEqual(['connectStation']);
    expect(t.manager.state).toBe('connected');
  });

  it('stops cleanly: leaves the network, cancels retries and ignores later reports', () => {
    const t = setup({}, { accessPointAfterFailures: 1 });
    t.start();
    t.radio.reportDisconnected();
    t.clock.runDue();
    expect(t.manager.status().access_point_active).toBe(true);
    t.manager.stop();
    expect(t.radio.callNames().slice(-2)).toEqual(['disconnect', 'stopAccessPoint']);
    expect(t.manager.state).toBe('stopped');
    t.radio.reportConnected();
    t.clock.advance(120_000);
    expect(t.radio.attemptTimes()).toEqual([0]);
    expect(t.events.map((e) => e.name)).toEqual(['wifi.disconnected']);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('can be started again after a stop and joins afresh', () => {
    const t = setup();
    t.start();
    t.manager.stop();
    t.start();
    t.radio.reportConnected();
    t.clock.runDue();
    expect(t.radio.attemptTimes()).toEqual([0, 0]);
    expect(t.events.filter((e) => e.name === 'wifi.connected')).toHaveLength(1);
  });

  it('stays quiet on a host without a radio', () => {
    const t = setup({}, {}, false);
    t.start();
    t.clock.advance(60_000);
    expect(t.manager.state).toBe('unavailable');
    expect(t.manager.metrics()).toMatchObject({ state: 'unavailable', connected: false, connect_attempts_total: 0 });
    t.manager.stop();
  });
});
