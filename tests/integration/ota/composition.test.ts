/**
 * The whole gateway as `npm start` builds it (hosts/node/simulated_gateway.ts + the composition):
 * an image signed with our own key is uploaded over HTTP and activated; a second start on the
 * same data folder is the restart into it, and the health check confirms it against the
 * simulated TinyBMS. Without the `ota` option the gateway answers 503 ota_unavailable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { startSimulatedGateway, type SimulatedGateway } from '../../../hosts/node/simulated_gateway';
import { DEFAULT_WEB_PASSWORD } from '../../../modules/config_manager/schema';
import { makeKeys, randomImage, sign } from '../../unit/ota_update/support/upload_fixtures';

jest.setTimeout(60_000);

const keys = makeKeys('p256');
const auth = `Basic ${Buffer.from(`admin:${DEFAULT_WEB_PASSWORD}`).toString('base64')}`;

let dataDir: string;
let app: SimulatedGateway | undefined;
let restarts = 0;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tinybms-ota-app-'));
  restarts = 0;
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function boot(ota: { publicKeyPem?: string } | undefined): Promise<{ base: string; clock: VirtualClock }> {
  await app?.stop();
  const clock = new VirtualClock(0, Date.UTC(2026, 5, 1, 12, 0, 0));
  app = startSimulatedGateway({ dataDir, port: 0, clock, mode: 'test', log: { log() {} }, restart: () => restarts++, ota });
  const port = await app.gateway.web!.whenListening();
  return { base: `http://127.0.0.1:${port}`, clock };
}

async function upload(base: string, image: Uint8Array, signature: Uint8Array): Promise<Response> {
  const { token } = (await (await fetch(`${base}/api/security/csrf`, { headers: { Authorization: auth } })).json()) as { token: string };
  const form = new FormData();
  form.append('firmware', new Blob([image as Uint8Array<ArrayBuffer>]), 'gateway.bin');
  form.append('signature', new Blob([signature as Uint8Array<ArrayBuffer>]), 'gateway.bin.sig');
  return fetch(`${base}/api/ota/upload`, { method: 'POST', headers: { Authorization: auth, 'X-CSRF-Token': token }, body: form });
}

const otaStatus = async (base: string) => ((await (await fetch(`${base}/api/status`)).json()) as { ota: Record<string, unknown> | null }).ota;

describe('OTA in the composed gateway', () => {
  it('installs a signed image, restarts into it and confirms it once the BMS link is up', async () => {
    let { base, clock } = await boot({ publicKeyPem: keys.publicPem });
    expect(await otaStatus(base)).toMatchObject({ running_version: '0.0.0-dev', signature_algorithm: 'ecdsa-p256-sha256', state: 'idle' });
    const image = randomImage(256 * 1024);
    const response = await upload(base, image, sign(image, keys));
    expect(response.status).toBe(200);
    const { version } = (await response.json()) as { version: string };
    clock.advance(2_000);
    expect(restarts).toBe(1);

    ({ base, clock } = await boot({ publicKeyPem: keys.publicPem }));
    expect(await otaStatus(base)).toMatchObject({ running_version: version, previous_version: '0.0.0-dev', pending_verify: true, health_check: 'verifying' });
    clock.advance(61_000);
    expect(await otaStatus(base)).toMatchObject({ running_version: version, pending_verify: false, health_check: 'confirmed' });
    expect(app!.gateway.monitoring.diagnostics()).toMatchObject({ modules: { ota_update: expect.objectContaining({ ota_health_check: 'confirmed' }) } });
  });

  it('refuses an image signed with another key and keeps running the same image', async () => {
    const { base, clock } = await boot({ publicKeyPem: keys.publicPem });
    const image = randomImage(10_000);
    const response = await upload(base, image, sign(image, makeKeys('p256')));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ota_signature_invalid');
    clock.advance(5_000);
    expect(restarts).toBe(0);
    expect(await otaStatus(base)).toMatchObject({ running_version: '0.0.0-dev', pending_version: null, last_result: 'failed' });
  });

  it('has no OTA without the option: 503 ota_unavailable and no ota status', async () => {
    const { base } = await boot(undefined);
    const image = randomImage(1_000);
    const response = await upload(base, image, sign(image, keys));
    expect(response.status).toBe(503);
    expect(await otaStatus(base)).toBeNull();
  });
});
