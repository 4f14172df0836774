import { ConfigManager, DEFAULT_WEB_PASSWORD, SECRET_MASK, type ConfigError } from '../../../modules/config_manager';
import { constantTimeEqual } from '../../../modules/config_manager/password';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import { utf8Encode } from '../../../modules/util/utf8';
import { toHex } from '../../../modules/util/hex';

function manager(store = new MemoryStore()) {
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  const m = new ConfigManager({ store, crypto: createNodeCrypto(), logger: { debug: log, info: log, warn: log, error: log } });
  m.start();
  return { m, store, logs };
}

describe('web password', () => {
  it('accepts the documented default credentials on first boot, and nothing else', () => {
    const { m } = manager();
    expect(m.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(true);
    expect(m.verifyWebPassword('admin', `${DEFAULT_WEB_PASSWORD}x`)).toBe(false);
    expect(m.verifyWebPassword('Admin', DEFAULT_WEB_PASSWORD)).toBe(false);
    expect(m.verifyWebPassword('admin', '')).toBe(false);
  });

  it('stores a salted PBKDF2 hash, never the password, and verifies against it', () => {
    const { m, store, logs } = manager();
    const result = m.setWebPassword('Correct-Horse-7');
    expect(result).toMatchObject({ ok: true, changed: expect.arrayContaining(['web.password_hash', 'web.password_salt']) });
    expect(m.verifyWebPassword('admin', 'Correct-Horse-7')).toBe(true);
    expect(m.verifyWebPassword('admin', 'correct-horse-7')).toBe(false);
    expect(m.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(false);
    const stored = store.get('config') ?? '';
    expect(stored).not.toContain('Correct-Horse-7');
    expect(stored).not.toContain(toHex(utf8Encode('Correct-Horse-7')).toLowerCase());
    expect(logs.join('\n')).not.toContain('Correct-Horse-7');
    expect(m.get().web.password_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.metrics().web_default_password).toBe(false);
  });

  it('uses a fresh salt each time, so the same password gives different hashes', () => {
    const { m } = manager();
    m.setWebPassword('same-password-1');
    const first = { ...m.get().web };
    m.setWebPassword('same-password-1');
    const second = m.get().web;
    expect(second.password_salt).not.toBe(first.password_salt);
    expect(second.password_hash).not.toBe(first.password_hash);
    expect(m.verifyWebPassword('admin', 'same-password-1')).toBe(true);
  });

  it('survives a restart (hash, salt and iterations persisted together)', () => {
    const { m, store } = manager();
    m.setWebPassword('persist-me-please');
    const restarted = manager(new MemoryStore({ entries: store.entries() })).m;
    expect(restarted.verifyWebPassword('admin', 'persist-me-please')).toBe(true);
  });

  it('follows a user name change', () => {
    const { m } = manager();
    expect(m.update({ web: { username: 'operator' } }).ok).toBe(true);
    expect(m.verifyWebPassword('operator', DEFAULT_WEB_PASSWORD)).toBe(true);
    expect(m.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(false);
  });

  it.each([
    ['short', 'weak_password'],
    ['x'.repeat(129), 'weak_password'],
    ['tab\there-1234', 'weak_password'],
  ])('refuses the new password %j and keeps the old one', (password, code) => {
    const { m } = manager();
    const result = m.setWebPassword(password);
    expect(result.ok ? [] : result.errors.map((e: ConfigError) => e.code)).toEqual([code]);
    expect(m.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(true);
  });

  it('keeps the old password when saving the new one fails', () => {
    const { m, store } = manager();
    store.failNextPut();
    expect(m.setWebPassword('never-stored-1').ok).toBe(false);
    expect(m.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(true);
    expect(m.verifyWebPassword('admin', 'never-stored-1')).toBe(false);
  });

  it('cannot change or check passwords without a crypto port', () => {
    const logs: string[] = [];
    const m = new ConfigManager({ store: new MemoryStore(), logger: { debug() {}, info() {}, warn() {}, error: (x) => logs.push(x) } });
    m.start();
    expect(m.setWebPassword('long-enough-1')).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'crypto_unavailable' })] });
    expect(m.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(false);
    expect(logs).toEqual([expect.stringContaining('no crypto port')]);
  });

  it('never echoes the hash through the masked view', () => {
    const { m } = manager();
    expect(m.getMasked().web).toEqual({ username: 'admin', password_hash: SECRET_MASK, password_salt: SECRET_MASK, password_iterations: 10000 });
  });
});

describe('constantTimeEqual', () => {
  it('compares contents and lengths', () => {
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), Uint8Array.of(0))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
