/**
 * Issue 16: an import never changes the login, the recovery reset, the default-password flag
 * after a password is set back, and hostile documents (deep nesting, __proto__, 1e400).
 */
import { ConfigManager, defaultConfig, type ConfigError } from '../../../modules/config_manager';
import { DEFAULT_WEB_PASSWORD } from '../../../modules/config_manager/schema';
import { jsonNestingDepth, parseGuardedJson } from '../../../modules/util/json_guard';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { createNodeCrypto } from '../../../hosts/node/crypto';

const crypto = createNodeCrypto();

function setup() {
  const store = new MemoryStore();
  const warnings: string[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} };
  const manager = new ConfigManager({ store, crypto, logger });
  manager.start();
  return { store, manager, warnings };
}

const codes = (result: ReturnType<ConfigManager['update']>) => (result.ok ? [] : result.errors.map((e: ConfigError) => `${e.field}:${e.code}`));

describe('import and the login credential', () => {
  it('keeps the current login whatever credential a file carries, applies the rest, and says what it ignored', () => {
    const { manager, warnings } = setup();
    expect(manager.setWebPassword('my own secret').ok).toBe(true);
    const before = manager.get().web;
    const doc = JSON.parse(manager.export({ includeSecrets: true }));
    doc.web = { username: 'mallory', password_hash: 'cd'.repeat(32), password_salt: 'ef'.repeat(16), password_iterations: 1000 };
    doc.bms.poll_interval_ms = 750;
    const result = manager.import(JSON.stringify(doc));
    expect(result).toMatchObject({ ok: true, ignored: ['web.username', 'web.password_hash', 'web.password_salt', 'web.password_iterations'] });
    expect(manager.get().web).toEqual(before);
    expect(manager.get().bms.poll_interval_ms).toBe(750);
    expect(manager.verifyWebPassword('admin', 'my own secret')).toBe(true);
    expect(warnings.join('\n')).toMatch(/credential in the file ignored/);
  });

  it('an export of this gateway imports back with nothing ignored', () => {
    const { manager } = setup();
    const result = manager.import(manager.export({ includeSecrets: true }));
    expect(result.ok && result.ignored).toBeFalsy();
  });
});

describe('recovery reset and the default-password flag', () => {
  it('resetWebCredentials restores admin / the documented password and nothing else', () => {
    const { manager } = setup();
    manager.update({ web: { username: 'owner' }, bms: { poll_interval_ms: 800 } });
    manager.setWebPassword('forgotten-password');
    expect(manager.metrics().web_default_password).toBe(false);
    expect(manager.resetWebCredentials().ok).toBe(true);
    expect(manager.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(true);
    expect(manager.get().bms.poll_interval_ms).toBe(800);
    expect(manager.metrics().web_default_password).toBe(true);
  });

  it('flags the default password when it is set back under a new salt, and after a restart', () => {
    const { manager, store } = setup();
    manager.setWebPassword('something-else');
    expect(manager.usesDefaultPassword()).toBe(false);
    manager.setWebPassword(DEFAULT_WEB_PASSWORD);
    expect(manager.get().web.password_salt).not.toBe(defaultConfig().web.password_salt);
    expect(manager.metrics().web_default_password).toBe(true);
    const restarted = new ConfigManager({ store, crypto });
    restarted.start();
    expect(restarted.usesDefaultPassword()).toBe(true);
  });
});

describe('hostile documents', () => {
  it('counts nesting outside strings only', () => {
    expect(jsonNestingDepth('{"a":[[1]]}')).toBe(3);
    expect(jsonNestingDepth('{"a":"[[[[\\"[["}')).toBe(1);
    expect(parseGuardedJson('['.repeat(40) + ']'.repeat(40))).toMatchObject({ ok: false, code: 'too_deep' });
    expect(parseGuardedJson('['.repeat(10) + ']'.repeat(10))).toMatchObject({ ok: true });
  });

  it('refuses a deeply nested import with a parse error instead of overflowing the stack', () => {
    const { manager, store } = setup();
    const deep = `{"mqtt":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    const result = manager.import(deep);
    expect(result.ok ? [] : result.errors.map((e) => e.code)).toEqual(['parse_error']);
    expect(store.putCount).toBe(0);
  });

  it('answers __proto__ with unknown_field like any other stray key, and changes nothing', () => {
    const { manager } = setup();
    const update = JSON.parse('{"__proto__": {"polluted": 1}, "mqtt": {"__proto__": {"enabled": true}}}');
    expect(codes(manager.update(update)).sort()).toEqual(['__proto__:unknown_field', 'mqtt.__proto__:unknown_field']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(manager.get()).toEqual(defaultConfig());
    const constructorKey = JSON.parse('{"constructor": {"prototype": {"x": 1}}}');
    expect(codes(manager.update(constructorKey))).toEqual(['constructor:unknown_field']);
  });

  it('says "expected a finite number" for 1e400', () => {
    const { manager } = setup();
    const result = manager.update(JSON.parse('{"bms": {"poll_interval_ms": 1e400}}'));
    expect(result.ok ? [] : result.errors).toEqual([{ field: 'bms.poll_interval_ms', code: 'type', message: 'expected a finite number' }]);
  });

  it('names cross-field conflicts by the labels the form shows', () => {
    const { manager } = setup();
    const result = manager.update({ bms: { soc_empty_pct: 50, soc_full_pct: 50 } });
    const conflict = result.ok ? undefined : result.errors.find((e) => e.code === 'conflict');
    expect(conflict?.message).toBe('“SOC empty” (BMS link) must be below “SOC full” (BMS link)');
  });
});
