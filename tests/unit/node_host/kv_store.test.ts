import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileKeyValueStore, fileNameForKey, StoreKeyError, StoreWriteError } from '../../../hosts/node/kv_store';
import { MemoryStore, StoreFaultError } from '../../../hosts/mocks/memory_store';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('FileKeyValueStore (real files)', () => {
  it('stores, replaces, reads back after a restart and deletes values', () => {
    const store = new FileKeyValueStore(dir);
    expect(store.get('config')).toBeUndefined();
    store.put('config', '{"a":1}');
    store.put('config', '{"a":2, "text":"ü €"}');
    expect(new FileKeyValueStore(dir).get('config')).toBe('{"a":2, "text":"ü €"}');
    store.delete('config');
    store.delete('config');
    expect(store.get('config')).toBeUndefined();
  });

  it('keeps every key inside its folder, with distinct files for distinct keys', () => {
    const store = new FileKeyValueStore(dir);
    for (const key of ['../escape', '/abs', 'a/b', 'a%2Fb', 'energy.counters', 'nul\u0000x']) store.put(key, key);
    for (const key of ['../escape', '/abs', 'a/b', 'a%2Fb', 'energy.counters', 'nul\u0000x']) expect(store.get(key)).toBe(key);
    const names = fs.readdirSync(dir);
    expect(names).toHaveLength(6);
    expect(names.every((n) => /^[A-Za-z0-9_%-]+\.value$/.test(n))).toBe(true);
    expect(fs.readdirSync(path.dirname(dir)).some((n) => n.startsWith('escape'))).toBe(false);
    expect(fileNameForKey('a/b')).not.toBe(fileNameForKey('a%2Fb'));
  });

  it('refuses empty and overlong keys', () => {
    const store = new FileKeyValueStore(dir);
    expect(() => store.put('', 'x')).toThrow(StoreKeyError);
    expect(() => store.get('k'.repeat(201))).toThrow(StoreKeyError);
  });

  it('keeps the old value when a write dies before the rename, and leaves no temp file', () => {
    let die = false;
    const store = new FileKeyValueStore(dir, {
      beforeRename: (temp) => {
        if (!die) return;
        // The new value is already durable in the temp file when the power goes.
        expect(fs.readFileSync(temp, 'utf8')).toBe('new value');
        throw new Error('power cut');
      },
    });
    store.put('config', 'old value');
    die = true;
    expect(() => store.put('config', 'new value')).toThrow(StoreWriteError);
    expect(() => store.put('config', 'new value')).toThrow(/previous value kept: power cut/);
    expect(store.get('config')).toBe('old value');
    expect(fs.readdirSync(dir)).toEqual(['config.value']);
  });

  it('ignores a corrupted temp file left by a crash, and sweeps it at the next start', () => {
    const store = new FileKeyValueStore(dir);
    store.put('config', 'good');
    const leftover = path.join(dir, 'config.value.tmp-4242-0');
    fs.writeFileSync(leftover, '{"trunc');
    fs.writeFileSync(path.join(dir, 'other.value.tmp-4242-1'), 'orphan');
    expect(store.get('config')).toBe('good');
    expect(store.get('other')).toBeUndefined();
    const restarted = new FileKeyValueStore(dir);
    expect(restarted.get('config')).toBe('good');
    expect(fs.readdirSync(dir)).toEqual(['config.value']);
  });

  it('reports a write into a folder it cannot write to, keeping the old value', () => {
    const store = new FileKeyValueStore(dir);
    store.put('config', 'old');
    fs.mkdirSync(path.join(dir, 'blocked.value'));
    expect(() => store.put('blocked', 'x')).toThrow(/saving store key "blocked" failed/);
    expect(store.get('config')).toBe('old');
  });
});

describe('MemoryStore fault hooks', () => {
  it('fails the next put (or a later one) without touching the stored value', () => {
    const store = new MemoryStore();
    store.put('k', 'v1');
    store.failNextPut('boom');
    expect(() => store.put('k', 'v2')).toThrow(StoreFaultError);
    expect(store.get('k')).toBe('v1');
    store.failNextPut('later', 1);
    store.put('a', '1');
    expect(() => store.put('b', '2')).toThrow('later');
    store.put('b', '3');
    expect(store.entries()).toEqual([['k', 'v1'], ['a', '1'], ['b', '3']]);
  });

  it('acts as a full disk past its byte capacity', () => {
    const store = new MemoryStore({ capacityBytes: 10 });
    store.put('k', '12345');
    expect(() => store.put('j', '123456789')).toThrow(/store full/);
    store.put('k', '123456789'); // replacing frees the old value's bytes first
    expect(store.usedBytes()).toBe(10);
    expect(() => store.put('k', '€€€€')).toThrow(/store full/);
    expect(store.get('k')).toBe('123456789');
  });
});
