import { ConfigManager, CONFIG_STORE_KEY, SECRET_MASK, defaultConfig, type ConfigError } from '../../../modules/config_manager';
import { CONFIG_DAMAGED_KEY } from '../../../modules/config_manager/config_manager';
import { DEFAULT_WEB_PASSWORD } from '../../../modules/config_manager/schema';
import type { GatewayConfig } from '../../../modules/config_manager/config_types';
import { createGatewayBus, type GatewayEvents } from '../../../modules/event_bus/events';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { createNodeCrypto } from '../../../hosts/node/crypto';

function setup(store = new MemoryStore()) {
  const clock = new VirtualClock();
  const bus = createGatewayBus({ defer: (fn) => void clock.setTimer(0, fn) });
  const events: GatewayEvents['config.updated'][] = [];
  bus.subscribe('config.updated', (e) => events.push(e));
  const logs: string[] = [];
  const logger = { debug: () => {}, info: (m: string) => logs.push(`info ${m}`), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
  const manager = new ConfigManager({ store, bus, logger, crypto: createNodeCrypto() });
  manager.start();
  clock.runDue();
  events.length = 0;
  return { store, manager, events, logs, deliver: () => clock.runDue() };
}

function storedConfig(store: MemoryStore): GatewayConfig {
  return JSON.parse(store.get(CONFIG_STORE_KEY) ?? 'null');
}

function fields(errors: ConfigError[] | undefined): string[] {
  return (errors ?? []).map((e) => `${e.field}:${e.code}`).sort();
}

describe('ConfigManager loading', () => {
  it('runs on defaults when nothing is stored, and writes nothing', () => {
    const { manager, store } = setup();
    expect(manager.loadStatus).toBe('defaults');
    expect(manager.get()).toEqual(defaultConfig());
    expect(store.putCount).toBe(0);
    expect(manager.metrics()).toMatchObject({ config_load_status: 'defaults', web_default_password: true });
  });

  it('loads a stored config and announces what differs from the defaults', () => {
    const stored = defaultConfig();
    stored.mqtt.topic_prefix = 'garage/bms';
    const store = new MemoryStore({ entries: [[CONFIG_STORE_KEY, JSON.stringify(stored)]] });
    const clock = new VirtualClock();
    const bus = createGatewayBus({ defer: (fn) => void clock.setTimer(0, fn) });
    const seen: string[][] = [];
    bus.subscribe('config.updated', (e) => seen.push(e.changed));
    const manager = new ConfigManager({ store, bus });
    expect(manager.get().mqtt.topic_prefix).toBe('tinybms');
    manager.start();
    clock.runDue();
    expect(manager.loadStatus).toBe('loaded');
    expect(manager.get().mqtt.topic_prefix).toBe('garage/bms');
    expect(seen).toEqual([['mqtt.topic_prefix']]);
  });

  const damaged: [string, string][] = [
    ['corrupt', '{"version":1,"mqtt":{'],
    ['invalid', JSON.stringify({ ...defaultConfig(), bms: { ...defaultConfig().bms, poll_interval_ms: 5 } })],
    ['unsupported_version', JSON.stringify({ ...defaultConfig(), version: 99 })],
  ];

  it.each(damaged)('a %s stored config with no earlier generation: safe defaults, damage kept, factory password NOT re-opened', (status, text) => {
    const { manager, logs, store } = setup(new MemoryStore({ entries: [[CONFIG_STORE_KEY, text]] }));
    expect(manager.loadStatus).toBe(status);
    expect(manager.recoveryStatus()).toMatchObject({ recovery: 'reset', cause: status, damaged_kept: true });
    expect(manager.get().charge).toEqual(defaultConfig().charge);
    expect(manager.metrics()).toMatchObject({ config_load_status: status, config_recovery: 'reset', web_default_password: false });
    expect(String(manager.metrics().config_load_problem)).not.toBe('');
    // The documented factory password and AP passphrase do not work; the random recovery ones are logged.
    expect(manager.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(false);
    expect(manager.get().wifi.ap_password).not.toBe(defaultConfig().wifi.ap_password);
    const line = logs.find((l) => l.startsWith('error stored configuration not used')) ?? '';
    const recovery = /Recovery login: admin \/ ([0-9a-f]{16})/.exec(line)?.[1] ?? '';
    expect(manager.verifyWebPassword('admin', recovery)).toBe(true);
    expect(line).toContain(manager.get().wifi.ap_password);
    // The damaged bytes are kept for inspection; the safe defaults are stored so the recovery secrets last.
    expect(store.get(CONFIG_DAMAGED_KEY)).toBe(text);
    const again = setup(store);
    expect(again.manager.recoveryStatus().recovery).toBe('none');
    expect(again.manager.verifyWebPassword('admin', recovery)).toBe(true);
  });

  it.each(damaged)('a %s stored config with a good previous generation loads that generation', (status, text) => {
    const { manager: first, store } = setup();
    expect(first.update({ charge: { max_charge_current_a: 30 } }).ok).toBe(true);
    expect(first.update({ charge: { max_charge_current_a: 40 } }).ok).toBe(true);
    expect(first.setWebPassword('my-own-secret').ok).toBe(true);
    store.put(CONFIG_STORE_KEY, text);
    const { manager, logs } = setup(store);
    expect(manager.loadStatus).toBe(status);
    expect(manager.recoveryStatus()).toMatchObject({ recovery: 'recovered', cause: status, damaged_kept: true });
    // The generation before the password change: the user's 40 A, never the factory 100 A.
    expect(manager.get().charge.max_charge_current_a).toBe(40);
    expect(manager.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(false);
    expect(logs.some((l) => l.includes('loaded the previous good generation'))).toBe(true);
    expect(store.get(CONFIG_DAMAGED_KEY)).toBe(text);
    expect(JSON.parse(store.get(CONFIG_STORE_KEY) ?? '{}').charge.max_charge_current_a).toBe(40);
  });

  it('survives a store that throws on read', () => {
    const store = new MemoryStore();
    store.get = () => {
      throw new Error('flash read error');
    };
    const { manager } = setup(store);
    expect(manager.loadStatus).toBe('read_failed');
    expect(manager.metrics().config_load_problem).toBe('flash read error');
  });
});

describe('ConfigManager updates', () => {
  it('deep-merges a partial update, persists it and announces the changed paths', () => {
    const { manager, store, events, deliver } = setup();
    const result = manager.update({ mqtt: { enabled: true, broker_uri: 'mqtt://broker.local:1883' } });
    expect(result).toMatchObject({ ok: true, changed: ['mqtt.enabled', 'mqtt.broker_uri'] });
    expect(manager.get().mqtt.topic_prefix).toBe('tinybms');
    expect(storedConfig(store).mqtt).toMatchObject({ enabled: true, broker_uri: 'mqtt://broker.local:1883', topic_prefix: 'tinybms' });
    deliver();
    expect(events.map((e) => e.changed)).toEqual([['mqtt.enabled', 'mqtt.broker_uri']]);
    expect(events[0].config.mqtt.enabled).toBe(true);
    expect(Object.isFrozen(manager.get().mqtt)).toBe(true);
  });

  it('rejects an invalid update whole, with every error, and changes nothing', () => {
    const { manager, store, events, deliver } = setup();
    const result = manager.update({ mqtt: { enabled: true, keepalive_s: 0, qos: 2 }, bms: { poll_interval_ms: 20000 }, history: { retention_days: 7 } });
    expect(result.ok).toBe(false);
    expect(fields(result.ok ? [] : result.errors)).toEqual(['bms.poll_interval_ms:above_max', 'mqtt.broker_uri:conflict', 'mqtt.keepalive_s:below_min', 'mqtt.qos:unknown_field']);
    expect(manager.get()).toEqual(defaultConfig());
    expect(store.putCount).toBe(0);
    deliver();
    expect(events).toEqual([]);
    expect(manager.metrics().config_rejected_total).toBe(1);
  });

  it('refuses a non-object update and writes of read-only fields', () => {
    const { manager } = setup();
    expect(fields((manager.update('x') as { errors: ConfigError[] }).errors)).toEqual([':type']);
    const result = manager.update({ web: { password_hash: 'ab'.repeat(32) }, version: 2 });
    expect(fields(result.ok ? [] : result.errors)).toEqual(['version:above_max', 'version:read_only', 'web.password_hash:read_only']);
  });

  it('does not write when nothing changes', () => {
    const { manager, store } = setup();
    expect(manager.update({ bms: { retries: 2 } })).toMatchObject({ ok: true, changed: [] });
    expect(store.putCount).toBe(0);
  });

  it('keeps the current secret when the mask is sent back', () => {
    const { manager } = setup();
    manager.update({ mqtt: { password: 's3cret' } });
    const masked = manager.getMasked();
    expect(masked.mqtt.password).toBe(SECRET_MASK);
    const result = manager.update({ mqtt: { ...masked.mqtt, keepalive_s: 30 } });
    expect(result).toMatchObject({ ok: true, changed: ['mqtt.keepalive_s'] });
    expect(manager.get().mqtt.password).toBe('s3cret');
  });

  it('preview() checks an update like update() does, and stores, announces and changes nothing', () => {
    const { manager, store, events, deliver } = setup();
    manager.update({ mqtt: { password: 's3cret' } });
    deliver();
    events.length = 0;
    const puts = store.putCount;
    const before = manager.get();
    const masked = manager.getMasked().mqtt;
    const preview = manager.preview({ mqtt: { ...masked, broker_uri: 'mqtt://broker.test', keepalive_s: 30 } });
    expect(preview).toMatchObject({ ok: true, changed: ['mqtt.broker_uri', 'mqtt.keepalive_s'] });
    // The masked password stands for the stored one, as in an update.
    expect(preview.ok && preview.config.mqtt.password).toBe('s3cret');
    const refused = manager.preview({ mqtt: { keepalive_s: 1 }, web: { password_hash: 'ab'.repeat(32) } });
    expect(fields(refused.ok ? [] : refused.errors)).toEqual(['mqtt.keepalive_s:below_min', 'web.password_hash:read_only']);
    expect(manager.preview([1])).toMatchObject({ ok: false });
    deliver();
    expect(manager.get()).toBe(before);
    expect(store.putCount).toBe(puts);
    expect(events).toEqual([]);
  });

  it('reset() restores the factory defaults and persists them', () => {
    const { manager, store } = setup();
    manager.update({ can: { enabled: false } });
    const result = manager.reset();
    expect(result).toMatchObject({ ok: true, changed: ['can.enabled'] });
    expect(manager.get()).toEqual(defaultConfig());
    expect(storedConfig(store)).toEqual(defaultConfig());
  });
});

describe('masking, export and import', () => {
  it('masks every non-empty secret and never shows the password hash', () => {
    const { manager } = setup();
    manager.update({ wifi: { ssid: 'home', password: 'wifi-pass-1' }, mqtt: { password: 'mq' } });
    const masked = manager.getMasked();
    expect(masked.wifi.password).toBe(SECRET_MASK);
    expect(masked.wifi.ap_password).toBe(SECRET_MASK);
    expect(masked.mqtt.password).toBe(SECRET_MASK);
    expect(masked.mqtt.client_key).toBe('');
    expect(masked.web.password_hash).toBe(SECRET_MASK);
    expect(masked.web.password_salt).toBe(SECRET_MASK);
    const text = JSON.stringify(masked);
    expect(text).not.toContain(manager.get().web.password_hash);
    expect(text).not.toContain('wifi-pass-1');
    expect(manager.get().wifi.password).toBe('wifi-pass-1');
  });

  it('round-trips an export with secrets into a fresh gateway, except the login (issue 16: an import never changes it)', () => {
    const { manager } = setup();
    manager.update({ wifi: { ssid: 'home', password: 'wifi-pass-1' }, charge: { max_charge_current_a: 80.5 } });
    expect(manager.setWebPassword('new-password-9').ok).toBe(true);
    const exported = manager.export({ includeSecrets: true });
    const other = setup().manager;
    const result = other.import(exported);
    expect(result).toMatchObject({ ok: true, ignored: ['web.password_hash', 'web.password_salt'] });
    expect({ ...other.get(), web: manager.get().web }).toEqual(manager.get());
    expect(other.verifyWebPassword('admin', 'new-password-9')).toBe(false);
    expect(other.verifyWebPassword('admin', 'tinybms-gw')).toBe(true);
  });

  it('exports without secrets by default, and importing that keeps the current secrets', () => {
    const { manager } = setup();
    manager.update({ wifi: { ssid: 'home', password: 'wifi-pass-1' } });
    manager.setWebPassword('new-password-9');
    const exported = manager.export();
    expect(exported).not.toContain('wifi-pass-1');
    expect(exported).not.toContain(manager.get().web.password_hash);
    manager.update({ history: { retention_days: 3 } });
    const result = manager.import(exported);
    expect(result).toMatchObject({ ok: true, changed: ['history.retention_days'] });
    expect(manager.get().wifi.password).toBe('wifi-pass-1');
    expect(manager.verifyWebPassword('admin', 'new-password-9')).toBe(true);
  });

  it('validates an import first and changes nothing when it is bad', () => {
    const { manager, store } = setup();
    const bad = JSON.parse(manager.export());
    bad.alerts.cell_voltage_min_mv = 3700;
    bad.mqtt.broker_uri = 'http://nope';
    const result = manager.import(JSON.stringify(bad));
    expect(fields(result.ok ? [] : result.errors)).toEqual(['alerts.cell_voltage_min_mv:conflict', 'alerts.voltage_hysteresis_mv:conflict', 'mqtt.broker_uri:format']);
    expect(fields((manager.import('{not json') as { errors: ConfigError[] }).errors)).toEqual([':parse_error']);
    expect(fields((manager.import('[1]') as { errors: ConfigError[] }).errors)).toEqual([':type']);
    expect(fields((manager.import(JSON.stringify({ version: 7 })) as { errors: ConfigError[] }).errors)).toEqual(['version:unsupported_version']);
    expect(manager.get()).toEqual(defaultConfig());
    expect(store.putCount).toBe(0);
  });

  it('ignores an imported password hash (even one whose salt is masked) and keeps the login', () => {
    const { manager } = setup();
    const before = manager.get().web;
    const doc = JSON.parse(manager.export());
    doc.web.password_hash = 'ab'.repeat(32);
    expect(manager.import(JSON.stringify(doc))).toMatchObject({ ok: true, ignored: ['web.password_hash'] });
    expect(manager.get().web).toEqual(before);
  });
});

describe('atomic persistence', () => {
  it('keeps the previous config, in memory and after a restart, when the store put fails', () => {
    const { manager, store, events, deliver } = setup();
    manager.update({ bms: { poll_interval_ms: 500 } });
    store.failNextPut('flash write failed');
    const result = manager.update({ bms: { poll_interval_ms: 1000 }, mqtt: { topic_prefix: 'x' } });
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'persist_failed', message: expect.stringContaining('flash write failed') })] });
    expect(manager.get().bms.poll_interval_ms).toBe(500);
    expect(manager.get().mqtt.topic_prefix).toBe('tinybms');
    expect(manager.metrics().config_persist_failures_total).toBe(1);
    deliver();
    expect(events.map((e) => e.changed)).toEqual([['bms.poll_interval_ms']]);
    const restarted = setup(new MemoryStore({ entries: store.entries() })).manager;
    expect(restarted.get().bms.poll_interval_ms).toBe(500);
    expect(restarted.get().mqtt.topic_prefix).toBe('tinybms');
  });

  it('reports a full store and keeps the previous config', () => {
    const { manager, store } = setup();
    manager.update({ history: { retention_days: 3 } });
    store.setCapacity(store.usedBytes() + 100);
    const pem = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(4000)}\n-----END CERTIFICATE-----`;
    const result = manager.update({ mqtt: { broker_uri: 'mqtts://b:8883', ca_cert: pem } });
    expect(result.ok ? '' : result.errors[0].message).toMatch(/store full/);
    expect(manager.get().mqtt.ca_cert).toBe('');
    expect(storedConfig(store).history.retention_days).toBe(3);
  });
});
