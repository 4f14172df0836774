/**
 * Firmware update from the web UI in a real Chromium: sign in, pick a signed image and its
 * signature, upload; the progress bar completes, the page reports the verified version, and the
 * gateway has the image activated. A tampered image is refused with the gateway's reason.
 */
import { createNodeCrypto } from '../../hosts/node/crypto';
import { loadWebAssets } from '../../hosts/node/web_assets';
import { ensureWebBuilt, WEB_BUILD_DIR } from '../../scripts/build-web';
import { PASSWORD, USER } from '../integration/web/support/web_gateway';
import { FACTORY_VERSION, startOtaGateway, type OtaGateway } from '../integration/ota/support/ota_gateway';
import { makeKeys, randomImage, sign } from '../unit/ota_update/support/upload_fixtures';
import { launchBrowser, type BrowserSession, type PageProblems } from './support/browser';
import type { Page } from 'playwright-core';

jest.setTimeout(90_000);

const keys = makeKeys('p256');
let node: OtaGateway;
let browser: BrowserSession;

beforeAll(async () => {
  await ensureWebBuilt({ quiet: true });
  node = await startOtaGateway({ publicKeyPem: keys.publicPem }, { assets: loadWebAssets(WEB_BUILD_DIR, createNodeCrypto()) });
  browser = await launchBrowser({ origin: node.gw.base });
});

afterAll(async () => {
  await browser?.close();
  await node?.close();
});

/** The page probes the upload endpoint with a GET, which the gateway answers 405 (POST only): expected noise. */
function expectNoProblems(problems: PageProblems, allowedStatuses: number[] = []): void {
  const allowed = [405, ...allowedStatuses].map((status) => `status of ${status}`);
  expect(problems.pageErrors).toEqual([]);
  expect(problems.consoleErrors.filter((line) => !allowed.some((status) => line.includes(status)))).toEqual([]);
  expect(problems.foreignRequests).toEqual([]);
}

async function openOtaPage(): Promise<{ page: Page; problems: PageProblems }> {
  const session = await browser.newPage();
  await session.page.goto(`${node.gw.base}/#/ota`);
  const login = session.page.getByTestId('login-form');
  await login.locator('input[name=username]').fill(USER);
  await login.locator('input[name=password]').fill(PASSWORD);
  await login.getByRole('button', { name: 'Sign in' }).click();
  await login.waitFor({ state: 'detached' });
  return session;
}

async function upload(page: Page, image: Uint8Array, signature: Uint8Array): Promise<void> {
  const card = page.getByTestId('ota');
  await card.locator('input[type=file]').nth(0).setInputFiles({ name: 'gateway.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(image) });
  await card.locator('input[type=file]').nth(1).setInputFiles({ name: 'gateway.bin.sig', mimeType: 'application/octet-stream', buffer: Buffer.from(signature) });
  await card.getByRole('button', { name: 'Upload and install' }).click();
}

/** Records every value the progress bar and its status line take, as the page renders them. */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const seen = (window.otaSeen = { values: [], statuses: [] });
    const look = () => {
      const bar = document.querySelector('[data-testid=ota-progress]');
      const status = document.querySelector('[data-testid=ota-status]');
      if (bar && seen.values.at(-1) !== Number(bar.getAttribute('value'))) seen.values.push(Number(bar.getAttribute('value')));
      if (status && seen.statuses.at(-1) !== status.textContent) seen.statuses.push(status.textContent);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  })()`);
}

describe('firmware update page', () => {
  it('shows the refusal when the image does not match its signature', async () => {
    const { page, problems } = await openOtaPage();
    const image = randomImage(64 * 1024);
    const signature = sign(image, keys);
    image[1000] ^= 0xff;
    await upload(page, image, signature);
    const result = page.getByTestId('ota-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('class')).toContain('notice-error');
    expect(await result.innerText()).toMatch(/signature does not match/);
    expectNoProblems(problems, [400]);
    expect(node.slots.info()).toMatchObject({ running: FACTORY_VERSION, pendingVerify: false });
    expect(node.slots.info().pending).toBeUndefined();
  });

  it('uploads a signed image, completes the progress bar and shows the verified version', async () => {
    const { page, problems } = await openOtaPage();
    await recordProgress(page);
    const image = randomImage(1024 * 1024);
    await upload(page, image, sign(image, keys));
    const result = page.getByTestId('ota-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('class')).toContain('notice-ok');
    const text = await result.innerText();
    expect(text).toMatch(/Signature verified \(ecdsa-p256-sha256\)/);
    const version = /version (sha256-[0-9a-f]{12})/.exec(text)?.[1];
    expect(version).toBeDefined();
    const progress = page.getByTestId('ota-progress');
    expect(await progress.getAttribute('value')).toBe('100');
    expect(await page.getByTestId('ota-status').innerText()).toMatch(/\(100 %\)$/);
    const seen = (await page.evaluate('window.otaSeen')) as { values: number[]; statuses: string[] };
    expect(seen.values[0]).toBe(0);
    expect(seen.values.at(-1)).toBe(100);
    expect(seen.values).toEqual([...seen.values].sort((a, b) => a - b));
    expect(seen.statuses).toContain('Verifying signature…');
    // The gateway side: the very image is activated and waits for the restart.
    expect(node.slots.info()).toMatchObject({ running: FACTORY_VERSION, pending: version });
    expectNoProblems(problems);
  });
});
