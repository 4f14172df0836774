/**
 * The deterministic mock host of the conformance scenario: virtual clock, in-memory UART cable to
 * the TinyBMS simulator, CAN recorder, memory store and files, scripted MQTT broker and Wi-Fi
 * radio, and an HTTP port that never listens on a socket (requests are handed in directly).
 * Everything here is portable: it runs on Node and in the bare XS engine alike.
 */
import type { Host } from '../../../hosts/host';
import { VirtualCanBus } from '../../../hosts/mocks/can_bus';
import { MemoryFiles } from '../../../hosts/mocks/memory_files';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { createSerialLink } from '../../../hosts/mocks/serial_link';
import { TinyBmsSimulator } from '../../../hosts/mocks/tinybms/index';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import type { CryptoPort } from '../../../hosts/ports/crypto';
import type { HttpPort } from '../../../hosts/ports/http';
import { FakeMqttTransport } from '../../unit/mqtt/support/fake_transport';
import { ScriptedRadio } from '../../unit/wifi/scripted_radio';

/**
 * NOT cryptography: a deterministic stand-in so the web server can be built in the scenario
 * (it hashes asset bodies for ETags and draws CSRF tokens). Real ports: hosts/node/crypto.ts, hosts/esp32.
 */
export function scenarioCrypto(): CryptoPort {
  let counter = 0;
  const mix = (data: Uint8Array, length: number): Uint8Array => {
    const out = new Uint8Array(length);
    let h = 0x811c9dc5;
    for (let i = 0; i < Math.max(length, data.length); i++) {
      h = Math.imul(h ^ (data[i % Math.max(1, data.length)] ?? 0) ^ i, 0x01000193) >>> 0;
      out[i % length] ^= h & 0xff;
    }
    return out;
  };
  return {
    sha256: (data) => mix(data, 32),
    createSha256: () => {
      const parts: number[] = [];
      return { update: (d) => parts.push(...d), digest: () => mix(Uint8Array.from(parts), 32) };
    },
    hmacSha256: (key, data) => mix(Uint8Array.from([...key, ...data]), 32),
    pbkdf2Sha256: (password, salt, _iterations, length) => mix(Uint8Array.from([...password, ...salt]), length),
    randomBytes: (count) => mix(Uint8Array.of(counter++), count),
    verifySignature: () => false,
  };
}

const unboundHttp: HttpPort = {
  listen: async (options) => ({ port: options.port, close: async () => undefined }),
};

export interface ScenarioHost {
  host: Host;
  clock: VirtualClock;
  simulator: TinyBmsSimulator;
  can: VirtualCanBus;
  mqtt: FakeMqttTransport;
  radio: ScriptedRadio;
  logLines: string[];
}

export function createScenarioHost(): ScenarioHost {
  const clock = new VirtualClock(0, Date.UTC(2026, 10, 23, 10, 0, 0));
  const link = createSerialLink({ clock });
  const can = new VirtualCanBus({ clock, recordLimit: 100000 });
  const mqtt = new FakeMqttTransport(clock);
  const radio = new ScriptedRadio(clock);
  const simulator = new TinyBmsSimulator({ clock, serial: link.device, mode: 'test', seed: 7, speed: 10 });
  const logLines: string[] = [];
  const host: Host = {
    clock,
    log: { log: (level, tag, message) => logLines.push(`${clock.now()} ${level} ${tag} ${message}`) },
    serial: link.gateway,
    can,
    store: new MemoryStore(),
    files: new MemoryFiles(),
    crypto: scenarioCrypto(),
    system: {
      platform: 'xs-test',
      firmwareVersion: '0.1.0-scenario',
      restart: () => logLines.push('restart requested'),
      heap: () => ({ freeBytes: 100000, totalBytes: 200000 }),
      uptimeMs: () => clock.now(),
    },
    mqtt,
    http: unboundHttp,
    wifi: radio,
    // Node's and XS's (xsnap carries the SDK's textencoder.c) native encoder.
    text: new TextEncoder(),
  };
  return { host, clock, simulator, can, mqtt, radio, logLines };
}
