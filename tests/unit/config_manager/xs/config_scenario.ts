/**
 * Runs config_manager, the chunked store and the memory mocks inside bare XS (no Node, no
 * TextEncoder): the portability proof for xs_portability.test.ts. Prints one RESULT line.
 */
import { ChunkedStore, ConfigManager, SECRET_MASK, validate } from '../../../../modules/config_manager';
import { MemoryStore } from '../../../../hosts/mocks/memory_store';
import { MemoryFiles } from '../../../../hosts/mocks/memory_files';
import { utf8Encode } from '../../../../modules/util/utf8';

declare const print: (text: string) => void;

const flash = new MemoryStore();
const manager = new ConfigManager({ store: new ChunkedStore(flash, { maxValueBytes: 1000 }) });
manager.start();
const pem = `-----BEGIN CERTIFICATE-----\n${'Q'.repeat(3000)}\n-----END CERTIFICATE-----`;
const updated = manager.update({ mqtt: { enabled: true, broker_uri: 'mqtts://broker.example:8883', password: 'pw', ca_cert: pem } });
const rejected = manager.update({ bms: { poll_interval_ms: 5 }, mqtt: { topic_prefix: 'a/#' } });
const restarted = new ConfigManager({ store: new ChunkedStore(new MemoryStore({ entries: flash.entries() }), { maxValueBytes: 1000 }) });
restarted.start();
const files = new MemoryFiles({ capacityBytes: 100 });
files.append('history/2026-01-01.csv', 'ts,v\n');
let pathError = '';
try {
  files.read('../x');
} catch (error) {
  pathError = (error as Error).name;
}

print(
  `RESULT ${JSON.stringify({
    updated: updated.ok,
    rejected: rejected.ok ? [] : rejected.errors.map((e) => `${e.field}:${e.code}`),
    restartedBroker: restarted.get().mqtt.broker_uri,
    restartedCaLength: restarted.get().mqtt.ca_cert.length,
    chunkKeys: flash.keys().length,
    masked: manager.getMasked().mqtt.password === SECRET_MASK,
    defaultsValid: validate(JSON.parse(manager.export({ includeSecrets: true }))).ok,
    utf8: Array.from(utf8Encode('é€😀')),
    listed: files.list('history'),
    pathError,
  })}`,
);
