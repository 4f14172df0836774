/**
 * The upload path end to end below HTTP: a signed image is streamed into the inactive slot,
 * verified and activated; every bad upload is refused with its code, and the running image, the
 * slots and the restart stay untouched. Keys are made here, for RSA-2048, RSA-4096 and P-256.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OtaError, type OtaUploadRequest } from '../../../modules/ota_update';
import { FACTORY_VERSION, eventsNamed, startOta, type OtaHarness } from './support/ota_harness';
import {
  chunked,
  contentType,
  espImage,
  firmwareUpload,
  makeKeys,
  multipartBody,
  randomImage,
  sign,
  type Part,
  type TestKeys,
} from './support/upload_fixtures';

const rsa = makeKeys('rsa2048');
const ec = makeKeys('p256');
const other = makeKeys('rsa2048');

let harness: OtaHarness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

function start(keys: TestKeys | null = rsa, maxImageBytes?: number): OtaHarness {
  harness = startOta({ publicKeyPem: keys?.publicPem, maxImageBytes });
  return harness;
}

async function refusal(promise: Promise<unknown>): Promise<OtaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OtaError) return error;
    throw error;
  }
  throw new Error('the upload was accepted');
}

/** Nothing activated, no restart coming, no image file left behind. */
function expectUntouched(h: OtaHarness): void {
  h.clock.advance(10_000);
  expect(h.restarts).toBe(0);
  expect(h.slots.info()).toEqual({ running: FACTORY_VERSION, pendingVerify: false, slotBytes: 4 * 1024 * 1024 });
  expect(h.files().filter((f) => !f.startsWith('ota-state'))).toEqual([]);
  h.reboot();
  expect(h.slots.info().running).toBe(FACTORY_VERSION);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function upload(parts: Part[], options: { close?: boolean; chunkSize?: number; declareLength?: boolean } = {}): OtaUploadRequest {
  const body = multipartBody(parts, { close: options.close });
  return { contentType: contentType(), contentLength: options.declareLength === false ? undefined : body.length, body: chunked(body, options.chunkSize ?? 8192) };
}

describe('accepted uploads', () => {
  it('verifies an RSA-2048 signed image, activates it and restarts into it as pending', async () => {
    const h = start(rsa);
    const image = randomImage(300_000);
    const result = await h.ota.upload(firmwareUpload(image, sign(image, rsa)));
    expect(result).toEqual({ status: 'activated', version: `sha256-${sha256(image).slice(0, 12)}`, size_bytes: image.length, sha256: sha256(image), algorithm: 'rsa-pkcs1-sha256', security_version: 0, restarting: true });
    expect(sha256(readFileSync(join(h.dir, 'slot-b.bin')))).toBe(sha256(image));
    expect(h.slots.info()).toMatchObject({ running: FACTORY_VERSION, pending: result.version, pendingVerify: false });

    h.deliver();
    const names = h.events.map((e) => e.name);
    expect(names[0]).toBe('ota.started');
    expect(names.at(-1)).toBe('ota.completed');
    const progress = eventsNamed(h, 'ota.progress');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThanOrEqual(18); // throttled: the bus queue holds 32
    expect(progress.map((p) => p.written)).toEqual([...progress.map((p) => p.written)].sort((a, b) => a - b));
    const body = firmwareUpload(image, sign(image, rsa)).bytes.length;
    expect(progress.at(-1)).toEqual({ written: body, size: body, phase: 'verifying' });
    expect(progress.slice(0, -1).every((p) => p.phase === 'receiving')).toBe(true);
    expect(eventsNamed(h, 'ota.completed')).toEqual([{ version: result.version }]);

    h.clock.advance(1_500);
    expect(h.restarts).toBe(1);
    h.reboot();
    expect(h.slots.info()).toMatchObject({ running: result.version, previous: FACTORY_VERSION, pendingVerify: true });
    expect(h.ota.status()).toMatchObject({ running_version: result.version, pending_verify: true, health_check: 'verifying' });
  });

  it('verifies an ECDSA P-256 signature sent before the image, and names the image by its app descriptor', async () => {
    const h = start(ec);
    const image = espImage('v2.0.1', 100_000);
    const result = await h.ota.upload(firmwareUpload(image, sign(image, ec), { signatureFirst: true, chunkSize: 1000 }));
    expect(result).toMatchObject({ status: 'activated', version: 'v2.0.1', algorithm: 'ecdsa-p256-sha256' });
    expect(h.slots.info().pending).toBe('v2.0.1');
  });

  it('verifies an RSA-4096 signature (512 bytes)', async () => {
    const keys = makeKeys('rsa4096');
    const h = start(keys);
    const image = randomImage(5_000);
    const signature = sign(image, keys);
    expect(signature.length).toBe(512);
    expect((await h.ota.upload(firmwareUpload(image, signature))).status).toBe('activated');
  });

  it('streams a 2 MB image holding no more than one input chunk and a few hundred bytes', async () => {
    const h = start(rsa);
    const image = randomImage(2 * 1024 * 1024);
    const chunkSize = 16 * 1024;
    await h.ota.upload(firmwareUpload(image, sign(image, rsa), { chunkSize }));
    // Writes are views of single input chunks; the parser and the signature keep only small buffers.
    expect(h.port.largestWrite).toBeLessThanOrEqual(chunkSize);
    const metrics = h.ota.metrics();
    expect(metrics.ota_largest_write_bytes).toBeLessThanOrEqual(chunkSize);
    expect(metrics.ota_buffer_high_water_bytes).toBeGreaterThan(256); // header block + the 256-byte signature
    expect(metrics.ota_buffer_high_water_bytes).toBeLessThanOrEqual(1024);
    expect(sha256(readFileSync(join(h.dir, 'slot-b.bin')))).toBe(sha256(image));
  });

  it('accepts an upload without a declared length', async () => {
    const h = start(rsa);
    const image = randomImage(20_000);
    const result = await h.ota.upload({ ...firmwareUpload(image, sign(image, rsa)), contentLength: undefined });
    expect(result.status).toBe('activated');
  });
});

describe('refused uploads leave the running image untouched', () => {
  const image = randomImage(64_000);
  const goodSignature = sign(image, rsa);
  const flipped = (bytes: Uint8Array, at: number) => {
    const copy = bytes.slice();
    copy[at] ^= 0x01;
    return copy;
  };
  const parts = (firmware: Uint8Array, signature: Uint8Array): Part[] => [
    { name: 'firmware', data: firmware },
    { name: 'signature', data: signature },
  ];

  it.each<[string, () => OtaUploadRequest, string, RegExp]>([
    ['a flipped byte in the image', () => upload(parts(flipped(image, 40_000), goodSignature)), 'signature_invalid', /does not match/],
    ['a flipped byte in the signature', () => upload(parts(image, flipped(goodSignature, 100))), 'signature_invalid', /does not match/],
    ['a signature by another key', () => upload(parts(image, sign(image, other))), 'signature_invalid', /does not match/],
    ['an ECDSA signature for an RSA key', () => upload(parts(image, sign(image, ec))), 'signature_malformed', /RSA-2048\/4096/],
    ['a body cut before the closing boundary', () => upload(parts(image, goodSignature), { close: false }), 'truncated_upload', /closing multipart boundary/],
    ['a body cut inside the image', () => ({ ...upload(parts(image, goodSignature)), body: chunked(multipartBody(parts(image, goodSignature)).subarray(0, 30_000), 4096) }), 'truncated_upload', /truncated/],
    ['no signature part', () => upload([{ name: 'firmware', data: image }]), 'missing_part', /"signature"/],
    ['no firmware part', () => upload([{ name: 'signature', data: goodSignature }]), 'missing_part', /"firmware"/],
    ['an empty image', () => upload(parts(new Uint8Array(0), goodSignature)), 'missing_part', /empty/],
    ['an unexpected field', () => upload([...parts(image, goodSignature), { name: 'comment', data: Uint8Array.of(65) }]), 'unexpected_part', /"comment"/],
    ['a repeated image part', () => upload([...parts(image, goodSignature), { name: 'firmware', data: image }]), 'unexpected_part', /twice/],
    ['a signature part over 512 bytes', () => upload(parts(image, new Uint8Array(600))), 'signature_malformed', /exceeds 512/],
    ['a plain body', () => ({ contentType: 'application/octet-stream', contentLength: image.length, body: chunked(image, 4096) }), 'not_multipart', /multipart\/form-data/],
  ])('refuses %s', async (_what, request, code, message) => {
    const h = start(rsa);
    const error = await refusal(h.ota.upload(request()));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    h.deliver();
    if (code !== 'not_multipart') expect(eventsNamed(h, 'ota.failed')).toEqual([{ reason: expect.stringContaining(code) }]);
    expect(eventsNamed(h, 'ota.completed')).toEqual([]);
    expect(h.ota.status()).toMatchObject({ last_result: code === 'not_multipart' ? null : 'failed' });
    expectUntouched(h);
  });

  it('refuses an oversize image from its declared length without reading or writing anything', async () => {
    const h = start(rsa, 100_000);
    let pulled = 0;
    const body = (async function* () {
      pulled++;
      yield new Uint8Array(10);
    })();
    const error = await refusal(h.ota.upload({ contentType: contentType(), contentLength: 200_000, body }));
    expect(error.code).toBe('image_too_large');
    expect(pulled).toBe(0);
    expect(h.port.begun).toBe(0);
    expectUntouched(h);
  });

  it('refuses an oversize image while streaming when no length was declared, stopping at the limit', async () => {
    const h = start(rsa, 100_000);
    const big = randomImage(150_000);
    const error = await refusal(h.ota.upload(upload(parts(big, sign(big, rsa)), { declareLength: false })));
    expect(error.code).toBe('image_too_large');
    expect(error.message).toContain('100000');
    expectUntouched(h);
  });

  it('refuses when the connection drops mid-upload, then takes the next upload', async () => {
    const h = start(rsa);
    const body = multipartBody(parts(image, goodSignature));
    const dropping = (async function* () {
      yield body.slice(0, 20_000);
      throw new Error('the connection closed before the request body ended');
    })();
    const error = await refusal(h.ota.upload({ contentType: contentType(), contentLength: body.length, body: dropping }));
    expect(error.code).toBe('truncated_upload');
    expect(error.message).toContain('connection closed');
    expect(h.files().filter((f) => !f.startsWith('ota-state'))).toEqual([]);
    expect((await h.ota.upload(upload(parts(image, goodSignature)))).status).toBe('activated');
  });

  it('refuses a second upload while one is streaming, and finishes the first', async () => {
    const h = start(rsa);
    const body = multipartBody(parts(image, goodSignature));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = (async function* () {
      yield body.slice(0, 1000);
      await gate;
      yield body.slice(1000);
    })();
    const first = h.ota.upload({ contentType: contentType(), contentLength: body.length, body: slow });
    await new Promise((resolve) => setImmediate(resolve));
    const second = await refusal(h.ota.upload(upload(parts(image, goodSignature))));
    expect(second.code).toBe('busy');
    release();
    expect((await first).status).toBe('activated');
  });

  it('refuses any upload once an image is activated and waits for its restart', async () => {
    const h = start(rsa);
    await h.ota.upload(upload(parts(image, goodSignature)));
    expect((await refusal(h.ota.upload(upload(parts(image, goodSignature))))).code).toBe('not_ready');
  });

  it('refuses uploads while the running image waits for its health check (its slot is the rollback image)', async () => {
    const h = start(rsa);
    await h.ota.upload(upload(parts(image, goodSignature)));
    h.clock.advance(1_500);
    h.reboot();
    const error = await refusal(h.ota.upload(upload(parts(image, goodSignature))));
    expect(error.code).toBe('not_ready');
    expect(error.message).toMatch(/not confirmed/);
    expect(h.port.begun).toBe(0);
  });

  it.each([
    ['no key', null],
    ['an unusable key', { publicPem: 'not a key', privatePem: '' }],
  ])('refuses every upload with %s configured: the check cannot be skipped', async (_what, keys) => {
    const h = start(keys);
    const error = await refusal(h.ota.upload(upload(parts(image, goodSignature))));
    expect(error.code).toBe('no_public_key');
    expect(h.ota.status()).toMatchObject({ signature_algorithm: null, uploads_refused_reason: expect.stringMatching(/key/) });
    expect(h.logs.some((line) => line.startsWith('error ota_update firmware uploads are refused'))).toBe(true);
    expectUntouched(h);
  });
});

describe('anti-rollback (security version in the signed app descriptor)', () => {
  async function confirmed(h: OtaHarness, version: string, securityVersion: number): Promise<void> {
    const image = espImage(version, 4096, securityVersion);
    await h.ota.upload(firmwareUpload(image, sign(image, rsa)));
    h.reboot();
    h.slots.markValid();
    h.reboot();
    expect(h.slots.info()).toMatchObject({ running: version, pendingVerify: false, securityFloor: securityVersion });
  }

  it('refuses a signed image below the confirmed security version, with the reason, and changes nothing', async () => {
    const h = start();
    await confirmed(h, '2.0.0', 2);
    const old = espImage('1.0.0', 4096, 1);
    const error = await refusal(h.ota.upload(firmwareUpload(old, sign(old, rsa))));
    expect(error.code).toBe('downgrade_refused');
    expect(error.message).toMatch(/image 1\.0\.0 has security version 1, below the 2 of the confirmed firmware/);
    expect(h.slots.info()).toMatchObject({ running: '2.0.0', pendingVerify: false });
    expect(h.slots.info().pending).toBeUndefined();
    expect(h.ota.status()).toMatchObject({ last_result: 'failed', security_floor: 2 });
  });

  it('installs an image with the same or a higher security version', async () => {
    const h = start();
    await confirmed(h, '2.0.0', 2);
    const same = espImage('2.0.1', 4096, 2);
    expect(await h.ota.upload(firmwareUpload(same, sign(same, rsa)))).toMatchObject({ status: 'activated', security_version: 2 });
  });

  it('the override needs the development build flag as well as the request', async () => {
    const h = start();
    await confirmed(h, '2.0.0', 2);
    const old = espImage('1.0.0', 4096, 0);
    const asked = await refusal(h.ota.upload({ ...firmwareUpload(old, sign(old, rsa)), allowDowngrade: true }));
    expect(asked.message).toMatch(/override works on development builds only/);

    const dev = startOta({ publicKeyPem: rsa.publicPem, developmentOverride: true });
    try {
      await confirmed(dev, '2.0.0', 2);
      await expect(dev.ota.upload(firmwareUpload(old, sign(old, rsa)))).rejects.toThrow(/build it with a security version of at least 2/);
      expect(await dev.ota.upload({ ...firmwareUpload(old, sign(old, rsa)), allowDowngrade: true })).toMatchObject({ status: 'activated', version: '1.0.0' });
      expect(dev.logs.some((l) => /installed anyway through the development override/.test(l))).toBe(true);
    } finally {
      dev.close();
    }
  });

  it('shows an automatic rollback in status()', async () => {
    const h = start();
    const image = espImage('3.0.0');
    await h.ota.upload(firmwareUpload(image, sign(image, rsa)));
    h.reboot(); // pending
    h.reboot(); // restarted before it was confirmed: the bootloader returns to the factory image
    expect(h.ota.status()).toMatchObject({ running_version: FACTORY_VERSION, last_rollback: { version: '3.0.0', reason: 'restarted before it was confirmed', at_this_boot: true } });
  });
});
