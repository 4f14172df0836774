/**
 * POST /api/ota/upload over real HTTP: a signed image sent as a browser would (fetch + FormData)
 * is verified and activated and /api/status shows it; after the restart the new image is
 * confirmed by its health check against the simulated BMS, or rolled back when the BMS is silent.
 * Refusals (no CSRF, bad signature, oversize, truncated, dropped connection, a second upload)
 * answer with the contract's error body and leave the running image and the slots untouched.
 */
import * as http from 'node:http';
import { basicAuth, csrfToken, jsonOf } from '../web/support/web_gateway';
import { contentType, firmwareUpload, makeKeys, randomImage, sign } from '../../unit/ota_update/support/upload_fixtures';
import { FACTORY_VERSION, startOtaGateway, type OtaGateway } from './support/ota_gateway';

jest.setTimeout(30_000);

const keys = makeKeys('rsa2048');
const ecKeys = makeKeys('p256');
const otherKeys = makeKeys('rsa2048');

let node: OtaGateway;
beforeEach(async () => {
  node = await startOtaGateway({ publicKeyPem: keys.publicPem, confirmAfterMs: 60_000, rollbackAfterMs: 300_000 });
});
afterEach(async () => {
  await node.close();
});

function form(image: Uint8Array, signature: Uint8Array): FormData {
  const body = new FormData();
  body.append('firmware', new Blob([image as Uint8Array<ArrayBuffer>]), 'gateway.bin');
  body.append('signature', new Blob([signature as Uint8Array<ArrayBuffer>]), 'gateway.bin.sig');
  return body;
}

async function postForm(body: FormData, headers: Record<string, string>): Promise<Response> {
  return fetch(`${node.gw.base}/api/ota/upload`, { method: 'POST', headers, body });
}

async function signedIn(): Promise<Record<string, string>> {
  return { Authorization: basicAuth(), 'X-CSRF-Token': await csrfToken(node.gw) };
}

const status = async () => (await jsonOf(await fetch(`${node.gw.base}/api/status`))).ota;

/** A raw request: headers, then the given pieces; `destroyAfter` cuts the connection after that many pieces. */
function rawUpload(headers: Record<string, string | number>, pieces: Uint8Array[], options: { destroyAfter?: number; holdAfter?: number } = {}) {
  let resume!: () => void;
  const held = new Promise<void>((resolve) => (resume = resolve));
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    const request = http.request(`${node.gw.base}/api/ota/upload`, { method: 'POST', headers });
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    });
    request.on('error', (error) => reject(error));
    void (async () => {
      for (let i = 0; i < pieces.length; i++) {
        if (i === options.destroyAfter) {
          await new Promise((r) => setTimeout(r, 50));
          request.destroy();
          return;
        }
        if (i === options.holdAfter) await held;
        if (!request.write(pieces[i])) await new Promise((r) => request.once('drain', r));
      }
      request.end();
    })();
  });
  return { answer, resume };
}

function expectUntouched(): void {
  expect(node.slots.info()).toEqual({ running: FACTORY_VERSION, pendingVerify: false, slotBytes: 4 * 1024 * 1024 });
  expect(node.slotFiles().filter((f) => !f.startsWith('ota-state'))).toEqual([]);
  node.gw.clock.advance(5_000);
  expect(node.restarts).toBe(0);
}

const split = (bytes: Uint8Array, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe('POST /api/ota/upload', () => {
  it('activates a signed image sent as a browser form, shows it in /api/status and restarts into it', async () => {
    expect(await status()).toMatchObject({ state: 'idle', running_version: FACTORY_VERSION, pending_version: null, pending_verify: false, signature_algorithm: 'rsa-pkcs1-sha256' });
    const image = randomImage(400_000);
    const response = await postForm(form(image, sign(image, keys)), await signedIn());
    const body = await jsonOf(response);
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status: 'activated', size_bytes: 400_000, algorithm: 'rsa-pkcs1-sha256', restarting: true });
    expect(await status()).toMatchObject({ state: 'activated', running_version: FACTORY_VERSION, pending_version: body.version, last_result: 'activated' });

    node.gw.clock.advance(1_500);
    expect(node.restarts).toBe(1);
    node.reboot();
    expect(await status()).toMatchObject({ running_version: body.version, previous_version: FACTORY_VERSION, pending_verify: true, health_check: 'verifying' });
  });

  it('confirms the new image once it ran a minute with the simulated BMS answering', async () => {
    const image = randomImage(50_000);
    const { version } = await jsonOf(await postForm(form(image, sign(image, keys)), await signedIn()));
    node.gw.clock.advance(1_500);
    node.reboot();
    node.gw.clock.advance(61_000); // the poller reads the simulator all along
    expect(await status()).toMatchObject({ running_version: version, pending_verify: false, health_check: 'confirmed' });
    node.reboot();
    expect(node.slots.info()).toMatchObject({ running: version, pendingVerify: false });
  });

  it('rolls back to the previous image when the BMS stays silent after the update', async () => {
    const image = randomImage(50_000);
    const { version } = await jsonOf(await postForm(form(image, sign(image, keys)), await signedIn()));
    node.gw.clock.advance(1_500);
    node.reboot();
    expect(node.gw.simulator.injectFault({ kind: 'bms_silence' }).ok).toBe(true);
    node.gw.clock.advance(300_000);
    expect(await status()).toMatchObject({ health_check: 'rolled_back', health_detail: expect.stringMatching(/no live BMS link/) });
    node.gw.clock.advance(1_500);
    expect(node.restarts).toBe(2);
    node.reboot();
    expect(node.slots.info()).toMatchObject({ running: FACTORY_VERSION, pendingVerify: false });
    expect(node.slots.lastRollback).toMatchObject({ version });
  });

  it('refuses an upload without a CSRF token', async () => {
    const image = randomImage(10_000);
    const response = await postForm(form(image, sign(image, keys)), { Authorization: basicAuth() });
    expect(response.status).toBe(403);
    expect((await jsonOf(response)).error.code).toBe('csrf_missing');
    expect(await status()).toMatchObject({ state: 'idle', last_result: null });
    expectUntouched();
  });

  it('refuses an upload without a login', async () => {
    const image = randomImage(10_000);
    const response = await postForm(form(image, sign(image, keys)), { 'X-Requested-With': 'test' });
    expect(response.status).toBe(401);
    expectUntouched();
  });

  it.each([
    ['a flipped image byte', keys, (image: Uint8Array) => ((image[123] ^= 0x80), image), 'ota_signature_invalid'],
    ['a flipped signature byte', keys, (image: Uint8Array) => image, 'ota_signature_invalid'],
    ['a signature by another RSA key', otherKeys, (image: Uint8Array) => image, 'ota_signature_invalid'],
    ['an ECDSA signature for the RSA key', ecKeys, (image: Uint8Array) => image, 'ota_signature_malformed'],
  ])('refuses %s with a clear error', async (what, signer, tamper, code) => {
    const image = randomImage(30_000);
    const signature = sign(image, signer);
    if (what.includes('signature byte')) signature[17] ^= 0x01;
    const response = await postForm(form(tamper(image.slice()), signature), await signedIn());
    expect(response.status).toBe(400);
    const error = (await jsonOf(response)).error;
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(20);
    expect(await status()).toMatchObject({ state: 'failed', last_result: 'failed', last_detail: expect.stringContaining(code.replace('ota_', '')) });
    expectUntouched();
  });

  it('refuses an image larger than the slot from its Content-Length, without waiting for the body', async () => {
    const { answer } = rawUpload(
      { Authorization: basicAuth(), 'X-CSRF-Token': await csrfToken(node.gw), 'Content-Type': contentType(), 'Content-Length': 6 * 1024 * 1024 },
      [new Uint8Array(1024)],
      { holdAfter: 1 },
    );
    const { status: code, body } = await answer;
    expect(code).toBe(413);
    expect(body.error.code).toBe('ota_image_too_large');
    expectUntouched();
  });

  it('refuses a body that ends before the closing boundary', async () => {
    const image = randomImage(40_000);
    const upload = firmwareUpload(image, sign(image, keys));
    const cut = upload.bytes.subarray(0, upload.bytes.length - 20);
    const { answer } = rawUpload({ Authorization: basicAuth(), 'X-CSRF-Token': await csrfToken(node.gw), 'Content-Type': upload.contentType, 'Content-Length': cut.length }, split(cut, 8192));
    const { status: code, body } = await answer;
    expect(code).toBe(400);
    expect(body.error).toMatchObject({ code: 'ota_truncated_upload', message: expect.stringMatching(/closing multipart boundary/) });
    expectUntouched();
  });

  it('survives a client that drops the connection mid-upload and takes the next upload', async () => {
    const image = randomImage(200_000);
    const upload = firmwareUpload(image, sign(image, keys));
    const { answer } = rawUpload(
      { Authorization: basicAuth(), 'X-CSRF-Token': await csrfToken(node.gw), 'Content-Type': upload.contentType, 'Content-Length': upload.bytes.length },
      split(upload.bytes, 16384),
      { destroyAfter: 4 },
    );
    await expect(answer).rejects.toThrow();
    for (let i = 0; i < 100 && (await status()).state === 'receiving'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await status()).toMatchObject({ state: 'failed', last_detail: expect.stringMatching(/^truncated_upload/) });
    expectUntouched();
    const response = await postForm(form(image, sign(image, keys)), await signedIn());
    expect(response.status).toBe(200);
  });

  it('refuses a second upload while the first is still streaming, then completes the first', async () => {
    const image = randomImage(300_000);
    const upload = firmwareUpload(image, sign(image, keys));
    const first = rawUpload(
      { Authorization: basicAuth(), 'X-CSRF-Token': await csrfToken(node.gw), 'Content-Type': upload.contentType, 'Content-Length': upload.bytes.length },
      split(upload.bytes, 32768),
      { holdAfter: 3 },
    );
    for (let i = 0; i < 100 && (await status()).state !== 'receiving'; i++) await new Promise((r) => setTimeout(r, 20));
    const second = await postForm(form(image, sign(image, keys)), await signedIn());
    expect(second.status).toBe(409);
    expect((await jsonOf(second)).error.code).toBe('ota_busy');
    first.resume();
    const { status: code, body } = await first.answer;
    expect(code).toBe(200);
    expect(body.status).toBe('activated');
  });

  it('streams a 2 MB image through HTTP with bounded buffers', async () => {
    const image = randomImage(2 * 1024 * 1024);
    const response = await postForm(form(image, sign(image, keys)), await signedIn());
    expect(response.status).toBe(200);
    const metrics = node.ota.metrics();
    // Node hands the body over in socket reads of at most 64 KiB; the module keeps under 1 KiB itself.
    expect(metrics.ota_largest_write_bytes).toBeLessThanOrEqual(64 * 1024);
    expect(metrics.ota_buffer_high_water_bytes).toBeLessThanOrEqual(1024);
  });
});
