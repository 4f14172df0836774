/**
 * The gateway's own id, unique per device: the station MAC on the ESP32 (from the Wi-Fi port),
 * elsewhere 12 random hex digits generated at first boot and kept in the key/value store. It
 * makes the default MQTT client id, Home Assistant node id and device identifiers unique, so two
 * gateways on one broker do not take over each other's session.
 */
import type { Host } from '../../hosts/host';
import type { Logger } from '../util/logger';

export const DEVICE_ID_KEY = 'device_id';
// RegExps are made per call, never at module load: this module is preloaded on Moddable, and a
// RegExp built during preload lives in the read-only image (mcsim segfaulted in its exec; docs/moddable.md).
const DEVICE_ID = (): RegExp => /^[0-9a-f]{12}$/;

/** "AA:BB:CC:DD:EE:FF" (any separators) → "aabbccddeeff", or undefined when it is not a usable MAC. */
export function macToDeviceId(mac: string | undefined): string | undefined {
  const hex = (mac ?? '').toLowerCase().replace(/[^0-9a-f]/g, '');
  return DEVICE_ID().test(hex) && hex !== '000000000000' ? hex : undefined;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return out;
}

/** Fallback when the host has no crypto port: clock-derived, still different between boots of different units. */
function weakRandomBytes(host: Host): Uint8Array {
  const bytes = new Uint8Array(6);
  let seed = (host.clock.wallTime() ^ host.clock.now() * 7919) >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345 + Math.floor(Math.random() * 256)) >>> 0;
    bytes[i] = seed >>> 24;
  }
  return bytes;
}

/** Resolves once, on first use, and remembers the answer. */
export function deviceIdSource(host: Host, log: Logger): () => string {
  let id: string | undefined;
  return () => (id ??= resolveDeviceId(host, log));
}

export function resolveDeviceId(host: Host, log: Logger): string {
  const mac = macToDeviceId(host.wifi?.macAddress?.());
  if (mac) return mac;
  let stored: string | undefined;
  try {
    stored = host.store.get(DEVICE_ID_KEY);
  } catch (error) {
    log.warn(`device id could not be read: ${String(error)}`);
  }
  if (stored !== undefined && DEVICE_ID().test(stored)) return stored;
  const generated = hex(host.crypto ? host.crypto.randomBytes(6) : weakRandomBytes(host));
  try {
    host.store.put(DEVICE_ID_KEY, generated);
    log.info(`generated device id ${generated} (first boot)`);
  } catch (error) {
    log.warn(`device id ${generated} could not be stored (${String(error)}); a new one is generated at the next boot`);
  }
  return generated;
}
