/**
 * The OTA module inside bare XS: multipart streaming, SHA-256, the ESP32 host's pure-JS RSA and
 * ECDSA checks (hosts/esp32/moddable/signature.ts) on signatures made by `npm run sign`, and the
 * health check on a virtual clock. The flash is an in-memory OtaPort. Keys, images and
 * signatures come from the Node test as `OTA_FIXTURE`; prints one RESULT line.
 */
import { verifyDigestSignature } from '../../../../hosts/esp32/moddable/signature';
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import type { CryptoPort } from '../../../../hosts/ports/crypto';
import type { OtaPort, OtaSlotInfo } from '../../../../hosts/ports/ota';
import { createGatewayBus } from '../../../../modules/event_bus/events';
import { OtaError, OtaUpdate } from '../../../../modules/ota_update';
import { fromHex, toHex } from '../../../../modules/util/hex';
import { createSha256Stream } from './sha256';

declare const print: (text: string) => void;

interface Fixture {
  rsaPem: string;
  ecPem: string;
  imageHex: string;
  rsaSignatureHex: string;
  ecSignatureHex: string;
  boundary: string;
}
const fixture = (globalThis as unknown as { OTA_FIXTURE: Fixture }).OTA_FIXTURE;

/** Flash stand-in: keeps only a running checksum of what was written, like a slot would hold it. */
class MemorySlots implements OtaPort {
  written = 0;
  sum = 0;
  activated: string[] = [];
  state: OtaSlotInfo = { running: 'factory', pendingVerify: false, slotBytes: 1 << 20 };
  #open = false;
  begin() {
    this.#open = true;
    this.written = 0;
    this.sum = 0;
  }
  write(chunk: Uint8Array) {
    if (!this.#open) throw new Error('not open');
    for (let i = 0; i < chunk.length; i++) this.sum = (this.sum + chunk[i] * (i + 1)) % 65521;
    this.written += chunk.length;
  }
  end() {}
  abort() {
    this.#open = false;
  }
  activate(version: string) {
    this.#open = false;
    this.activated.push(version);
    this.state = { ...this.state, pending: version };
  }
  markValid() {
    this.state = { ...this.state, pendingVerify: false };
  }
  rollback() {
    this.state = { running: 'factory', pendingVerify: false };
  }
  info() {
    return this.state;
  }
}

const crypto: CryptoPort = {
  sha256: (data) => {
    const stream = createSha256Stream();
    stream.update(data);
    return stream.digest();
  },
  createSha256: createSha256Stream,
  hmacSha256: () => new Uint8Array(32),
  pbkdf2Sha256: (_p, _s, _i, length) => new Uint8Array(length),
  randomBytes: (count) => new Uint8Array(count),
  verifySignature: verifyDigestSignature,
};

const ascii = (text: string) => Uint8Array.from(text.split(''), (c) => c.charCodeAt(0));

function body(image: Uint8Array, signature: Uint8Array, options: { signatureFirst?: boolean; close?: boolean } = {}): Uint8Array {
  const part = (name: string, data: Uint8Array) => [ascii(`--${fixture.boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), data, ascii('\r\n')];
  const parts = options.signatureFirst ? [...part('signature', signature), ...part('firmware', image)] : [...part('firmware', image), ...part('signature', signature)];
  if (options.close !== false) parts.push(ascii(`--${fixture.boundary}--\r\n`));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
    },
  };
}

function gateway(publicKeyPem: string) {
  const clock = new VirtualClock();
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const slots = new MemorySlots();
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const ota = new OtaUpdate({ host: { clock, crypto, ota: slots }, bus, logger: () => silent }, { publicKeyPem, confirmAfterMs: 60_000 });
  return { clock, bus, slots, ota };
}

async function attempt(g: ReturnType<typeof gateway>, bytes: Uint8Array, chunkSize: number): Promise<string> {
  try {
    const result = await g.ota.upload({ contentType: `multipart/form-data; boundary=${fixture.boundary}`, contentLength: bytes.length, body: chunked(bytes, chunkSize) });
    return `${result.status} ${result.version}`;
  } catch (error) {
    return error instanceof OtaError ? error.code : `unexpected ${String(error)}`;
  }
}

async function main(): Promise<Record<string, unknown>> {
  const image = fromHex(fixture.imageHex);
  const rsaSignature = fromHex(fixture.rsaSignatureHex);
  const ecSignature = fromHex(fixture.ecSignatureHex);
  const flipped = image.slice();
  flipped[100] ^= 1;

  const rsa = gateway(fixture.rsaPem);
  const rsaTiny = await attempt(rsa, body(image, rsaSignature), 7);
  const digest = crypto.sha256(image);
  const rsaFlipped = await attempt(gateway(fixture.rsaPem), body(flipped, rsaSignature), 4096);
  const rsaTruncated = await attempt(gateway(fixture.rsaPem), body(image, rsaSignature, { close: false }), 4096);
  const ecFirst = await attempt(gateway(fixture.ecPem), body(image, ecSignature, { signatureFirst: true }), 1500);
  const ecWrongKey = await attempt(gateway(fixture.ecPem), body(image, rsaSignature), 4096);

  // After the restart the image runs pending; a live BMS link for a minute confirms it.
  const booted = gateway(fixture.rsaPem);
  booted.slots.state = { running: 'new', previous: 'factory', pendingVerify: true };
  booted.ota.start();
  booted.bus.publish('bms.link', { online: true, reason: 'poll ok' });
  booted.clock.advance(60_000);
  const confirmed = booted.ota.status().health_check;

  return {
    rsaTiny,
    written: rsa.slots.written,
    activated: rsa.slots.activated,
    sha256: toHex(digest).toLowerCase(),
    rsaFlipped,
    rsaTruncated,
    ecFirst,
    ecWrongKey,
    confirmed,
    pendingAfter: booted.slots.state.pendingVerify,
  };
}

main().then(
  (result) => print(`RESULT ${JSON.stringify(result)}`),
  (error) => print(`RESULT ${JSON.stringify({ error: String(error) })}`),
);
