import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChunkedStore, ConfigManager, defaultConfig } from '../../../modules/config_manager';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { FileKeyValueStore } from '../../../hosts/node/kv_store';

const PEM = (fill: string) => `-----BEGIN CERTIFICATE-----\n${fill.repeat(3000)}\n-----END CERTIFICATE-----`;

describe('ChunkedStore (NVS-sized values)', () => {
  it('passes small values straight through and splits large ones under 15-character keys', () => {
    const inner = new MemoryStore();
    const store = new ChunkedStore(inner, { maxValueBytes: 1000 });
    store.put('config', 'small');
    expect(inner.get('config')).toBe('small');
    const large = 'é'.repeat(1200) + '😀'.repeat(300) + 'z'.repeat(10);
    store.put('config', large);
    expect(store.get('config')).toBe(large);
    expect(inner.keys().every((k) => k.length <= 15)).toBe(true);
    for (const key of inner.keys()) expect(new TextEncoder().encode(inner.get(key)).length).toBeLessThanOrEqual(1000);
    store.put('config', 'small again');
    expect(store.get('config')).toBe('small again');
    expect(inner.keys()).toEqual(['config']);
  });

  it('stores a small value that looks like a header as chunks, so it reads back unchanged', () => {
    const store = new ChunkedStore(new MemoryStore(), { maxValueBytes: 100 });
    const tricky = '\u0001chunked:a:1:3:123';
    store.put('k', tricky);
    expect(store.get('k')).toBe(tricky);
  });

  it('refuses a key whose chunk keys would exceed the NVS limit', () => {
    const store = new ChunkedStore(new MemoryStore(), { maxValueBytes: 100 });
    expect(() => store.put('sixteen-chars-xx', 'v')).toThrow(/too long/);
    expect(() => store.put('fourteen-chars', 'x'.repeat(500))).toThrow(/exceeds 15/);
  });

  it('reports damaged chunks instead of returning a wrong value', () => {
    const inner = new MemoryStore();
    const store = new ChunkedStore(inner, { maxValueBytes: 100 });
    store.put('cfg', 'x'.repeat(350));
    inner.put('cfg~a1', 'y'.repeat(100));
    expect(() => store.get('cfg')).toThrow(/do not match/);
    inner.delete('cfg~a2');
    expect(() => store.get('cfg')).toThrow(/missing/);
  });

  it('deletes a chunked value with its chunks', () => {
    const inner = new MemoryStore();
    const store = new ChunkedStore(inner, { maxValueBytes: 100 });
    store.put('cfg', 'x'.repeat(350));
    store.delete('cfg');
    expect(inner.keys()).toEqual([]);
    expect(store.get('cfg')).toBeUndefined();
  });
});

describe('a crash in the middle of saving never yields a mixed config', () => {
  it('at every possible crash point of a chunked save, a restart sees the old or the new config whole', () => {
    const before = defaultConfig();
    before.mqtt.broker_uri = 'mqtts://old.example:8883';
    before.mqtt.ca_cert = PEM('A');
    const after = defaultConfig();
    after.mqtt.broker_uri = 'mqtts://new.example:8883';
    after.mqtt.ca_cert = PEM('B');
    after.bms.poll_interval_ms = 500;

    // How many inner puts a full save takes.
    const probe = new MemoryStore();
    new ChunkedStore(probe, { maxValueBytes: 1000 }).put('config', JSON.stringify(after));
    const putsPerSave = probe.putCount;
    expect(putsPerSave).toBeGreaterThan(3);

    const outcomes = new Set<string>();
    for (let crashAt = 0; crashAt < putsPerSave; crashAt++) {
      const flash = new MemoryStore();
      const first = new ConfigManager({ store: new ChunkedStore(flash, { maxValueBytes: 1000 }) });
      first.start();
      expect(first.import(JSON.stringify(before)).ok).toBe(true);
      flash.failNextPut('power cut', crashAt);
      expect(first.import(JSON.stringify(after)).ok).toBe(false);

      const restarted = new ConfigManager({ store: new ChunkedStore(new MemoryStore({ entries: flash.entries() }), { maxValueBytes: 1000 }) });
      restarted.start();
      expect(restarted.loadStatus).toBe('loaded');
      const seen = restarted.get();
      expect([before, after]).toContainEqual(seen);
      outcomes.add(seen.mqtt.broker_uri);
    }
    // The header is the last put: any earlier crash keeps the old config.
    expect([...outcomes]).toEqual(['mqtts://old.example:8883']);
  });

  it('with the Node file store, a crash after the temp file is written leaves the old config', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-crash-'));
    try {
      let crash = false;
      const store = new FileKeyValueStore(dir, {
        beforeRename: () => {
          if (crash) throw new Error('power cut before rename');
        },
      });
      const first = new ConfigManager({ store });
      first.start();
      expect(first.update({ history: { retention_days: 3 } }).ok).toBe(true);
      crash = true;
      const result = first.update({ history: { retention_days: 9 }, bms: { retries: 4 } });
      expect(result.ok ? '' : result.errors[0].message).toMatch(/power cut before rename/);
      expect(first.get().history.retention_days).toBe(3);

      const restarted = new ConfigManager({ store: new FileKeyValueStore(dir) });
      restarted.start();
      expect(restarted.get().history.retention_days).toBe(3);
      expect(restarted.get().bms.retries).toBe(2);
      expect(fs.readdirSync(dir)).toEqual(['config.value']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
