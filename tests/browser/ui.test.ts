/**
 * The web UI in a real Chromium against a running gateway: live dashboard, theme, configuration
 * with inline errors and persistence, alerts from an injected fault, and every page loading
 * without script errors, CSP violations or requests to other origins.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, outputPath, type BrowserSession, type PageProblems } from './support/browser';
import { PASSWORD, startGatewayUnderTest, USERNAME, type GatewayUnderTest } from './support/gateway_under_test';

jest.setTimeout(60_000);

let gateway: GatewayUnderTest;
let browser: BrowserSession;

beforeAll(async () => {
  gateway = await startGatewayUnderTest();
  browser = await launchBrowser({ origin: gateway.url });
});

afterEach(async () => {
  await browser?.closePages();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

/** No script errors, no foreign requests; failed HTTP answers only with the statuses the test provoked. */
function expectNoProblems(problems: PageProblems, expectedHttpStatuses: number[] = []): void {
  const unexpected = problems.consoleErrors.filter((line) => {
    const status = /Failed to load resource: the server responded with a status of (\d+)/.exec(line)?.[1];
    return !(status && expectedHttpStatuses.includes(Number(status)));
  });
  expect(problems.pageErrors).toEqual([]);
  expect(unexpected).toEqual([]);
  expect(problems.foreignRequests).toEqual([]);
}

const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

/** Polls `read` until it returns a value `accept` likes; fails with the last value seen. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

const textOf = (locator: Locator) => locator.innerText();
const attributeOf = (locator: Locator, name: string) => () => locator.getAttribute(name);

async function signIn(page: Page): Promise<void> {
  const form = page.getByTestId('login-form');
  await form.locator('input[name=username]').fill(USERNAME);
  await form.locator('input[name=password]').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await form.waitFor({ state: 'detached' });
}

/** Background luminance of <body> (0 black … 1 white). */
async function backgroundLuminance(page: Page): Promise<number> {
  const rgb = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (rgb.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

describe('dashboard', () => {
  it('shows live values that change, 16 cells with min/max and balancing marked, and link states', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(gateway.url);
    await page.getByTestId('pack-voltage').filter({ hasText: / V$/ }).waitFor();

    const read = async () => Promise.all(['pack-voltage', 'pack-current', 'pack-power', 'soc-value'].map((id) => text(page, id)));
    const first = await read();
    expect(first.every((value) => value !== '—')).toBe(true);
    await page.waitForFunction(
      (before) => ['pack-voltage', 'pack-current', 'pack-power', 'soc-value'].some((id, i) => document.querySelector(`[data-testid="${id}"]`)?.textContent !== before[i]),
      first,
      { timeout: 15_000 },
    );
    expect(await read()).not.toEqual(first);

    const cells = page.locator('[data-testid^="cell-"]');
    await expect(cells.count()).resolves.toBe(16);
    // The highlighted cells really are the lowest and highest of what is shown (tooltips carry 0.1 mV).
    const shown = await page.$$eval('[data-testid^="cell-"]', (nodes) =>
      nodes.map((n) => ({
        mv: Number(/: ([\d.]+) mV/.exec(n.getAttribute('title') ?? '')?.[1]),
        min: n.classList.contains('is-min'),
        max: n.classList.contains('is-max'),
        balancing: n.classList.contains('is-balancing'),
      })),
    );
    const values = shown.map((c) => c.mv);
    expect(values.every((v) => v > 1000 && v < 5000)).toBe(true);
    const [low, high] = [Math.min(...values), Math.max(...values)];
    // A perfectly even pack has no lowest or highest cell to mark.
    expect(shown.filter((c) => c.min).map((c) => c.mv)).toEqual(high > low ? [low] : []);
    expect(shown.filter((c) => c.max).map((c) => c.mv)).toEqual(high > low ? [high] : []);
    const data = await (await fetch(`${gateway.url}/api/data`)).json();
    expect(shown.flatMap((c, i) => (c.balancing ? [i + 1] : []))).toEqual(data.balancing_cells);

    await expect(page.getByTestId('link-live').getAttribute('data-level')).resolves.toBe('up');
    await expect(page.getByTestId('link-bms').getAttribute('data-level')).resolves.toBe('up');
    await expect(text(page, 'limit-cvl')).resolves.toMatch(/^\d+\.\d\d V$/);
    expectNoProblems(problems);
  });

  it('switches between light and dark (toggle and prefers-color-scheme) and saves screenshots of both', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(gateway.url);
    await page.getByTestId('pack-voltage').filter({ hasText: / V$/ }).waitFor();
    await page.getByTestId('cells-card').locator('.cell').first().waitFor();
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('light');
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);
    await page.screenshot({ path: outputPath('dashboard-light.png'), fullPage: true });

    const toggle = page.getByTestId('theme-toggle');
    await toggle.click(); // auto → light
    await toggle.click(); // light → dark
    await expect(toggle.getAttribute('data-theme-choice')).resolves.toBe('dark');
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    expect(await backgroundLuminance(page)).toBeLessThan(0.2);
    await page.screenshot({ path: outputPath('dashboard-dark.png'), fullPage: true });

    // The choice survives a reload; back to "auto", the system preference rules.
    await page.reload();
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await page.getByTestId('theme-toggle').click(); // dark → auto
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    expect(await backgroundLuminance(page)).toBeLessThan(0.2);
    expectNoProblems(problems);
  });
});

describe('stale data', () => {
  it('is flagged on the dashboard when the BMS goes silent, and the flag goes when data returns', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(gateway.url);
    await page.getByTestId('pack-voltage').filter({ hasText: / V$/ }).waitFor();
    expect(await page.getByTestId('stale-banner').count()).toBe(0);

    await gateway.injectFault({ kind: 'bms_silence' });
    await page.getByTestId('stale-banner').waitFor({ timeout: 20_000 });
    await eventually(attributeOf(page.getByTestId('link-bms'), 'data-level'), (level) => level === 'down', 20_000);
    await page.screenshot({ path: outputPath('dashboard-stale.png') });

    await gateway.clearFaults();
    await page.getByTestId('stale-banner').waitFor({ state: 'detached', timeout: 20_000 });
    expectNoProblems(problems);
  });
});

describe('configuration', () => {
  it('refuses a wrong password, shows every server error next to its field, and a valid edit persists across a reload', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${gateway.url}/#/config`);
    // A wrong password is refused with a message, and the form stays.
    const form = page.getByTestId('login-form');
    await form.locator('input[name=username]').fill(USERNAME);
    await form.locator('input[name=password]').fill('not-the-password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => textOf(form), (t) => t.includes('Wrong username or password'));
    await signIn(page);

    // Two bad values in two sections: both are refused and both are marked.
    await page.getByTestId('tab-bms').click();
    await page.getByTestId('cfg-bms.poll_interval_ms').fill('50');
    await page.getByTestId('tab-alerts').click();
    await page.getByTestId('cfg-alerts.cell_voltage_max_mv').fill('9999');
    await page.getByTestId('config-save').click();
    await eventually(() => textOf(page.getByTestId('config-outcome')), (t) => t.includes('2 fields need attention'));
    // The form turns to the first section with an error; the other section's tab counts its own.
    await expect(page.getByTestId('tab-bms').getAttribute('aria-selected')).resolves.toBe('true');
    await expect(text(page, 'err-bms.poll_interval_ms')).resolves.toMatch(/at least 100/);
    await expect(page.getByTestId('cfg-bms.poll_interval_ms').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(textOf(page.getByTestId('tab-alerts').locator('.count'))).resolves.toBe('1');
    await page.getByTestId('tab-alerts').click();
    await expect(text(page, 'err-alerts.cell_voltage_max_mv')).resolves.toMatch(/at most 4500/);
    await page.screenshot({ path: outputPath('config-errors.png'), fullPage: true });
    // Nothing was changed by the refused update.
    const before = await gateway.api.get<{ bms: { poll_interval_ms: number } }>('/api/config');
    expect(before.bms.poll_interval_ms).not.toBe(50);

    // Fix both: the alert threshold back to where it was, a valid new poll interval.
    await page.getByTestId('cfg-alerts.cell_voltage_max_mv').fill('3650');
    await page.getByTestId('tab-bms').click();
    await page.getByTestId('cfg-bms.poll_interval_ms').fill('750');
    await page.getByTestId('config-save').click();
    await eventually(() => textOf(page.getByTestId('config-outcome')), (t) => t.includes('Saved'));
    await expect(page.locator('.field-error:not(:empty)').count()).resolves.toBe(0);

    await page.reload();
    await page.getByTestId('tab-bms').click();
    await expect(page.getByTestId('cfg-bms.poll_interval_ms').inputValue()).resolves.toBe('750');
    const after = await gateway.api.get<{ bms: { poll_interval_ms: number } }>('/api/config');
    expect(after.bms.poll_interval_ms).toBe(750);
    expectNoProblems(problems, [400, 401]);
  });
});

describe('alerts', () => {
  it('appear when the simulator injects a fault, and can be acknowledged', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${gateway.url}/#/alerts`);
    await page.getByTestId('no-alerts').waitFor();

    await gateway.injectFault(gateway.overVoltageFault);
    const alert = page.getByTestId('alert-OVER_VOLTAGE');
    await alert.waitFor({ timeout: 20_000 });
    await expect(alert.getAttribute('data-acknowledged')).resolves.toBe('no');
    await expect(textOf(page.getByTestId('alert-count'))).resolves.toMatch(/^[1-9]/);

    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await signIn(page);
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await eventually(attributeOf(alert, 'data-acknowledged'), (v) => v === 'yes');
    await page.screenshot({ path: outputPath('alerts.png'), fullPage: true });
    const listed = await (await fetch(`${gateway.url}/api/alarms`)).json();
    expect(listed.alerts.find((a: { code: string }) => a.code === 'OVER_VOLTAGE')?.acknowledged).toBe(true);

    await gateway.clearFaults();
    expectNoProblems(problems);
  });
});

describe('other pages', () => {
  it('live charts fill from telemetry', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${gateway.url}/#/charts`);
    const chart = page.getByTestId('chart-pack');
    await eventually(attributeOf(chart, 'data-points'), (n) => Number(n) >= 3, 15_000);
    await expect(chart.locator('canvas').count()).resolves.toBe(1);
    await page.screenshot({ path: outputPath('charts.png'), fullPage: true });
    expectNoProblems(problems);
  });

  it('history lists the stored day, charts it and offers CSV and JSON downloads', async () => {
    // The logger stores a sample every 5 s: wait until a day exists.
    const files = await eventually(async () => (await fetch(`${gateway.url}/api/history/files`)).json(), (body) => body.files.length > 0, 20_000);
    const newest = files.files.map((f: { date: string }) => f.date).sort().pop();
    const { page, problems } = await browser.newPage();
    await page.goto(`${gateway.url}/#/history`);
    const count = await eventually(() => textOf(page.getByTestId('history-count')), (t) => /^[1-9]\d* samples$/.test(t));
    await page.getByTestId('history-chart').locator('canvas').waitFor();
    await expect(page.getByTestId('history-date').inputValue()).resolves.toBe(newest);
    const download = page.waitForEvent('download');
    await page.getByTestId('download-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`history-${newest}.csv`);
    const csv = readFileSync(await file.path(), 'utf8');
    // The contract's columns first (the logger may add more after them).
    expect(csv.split('\n')[0]).toMatch(/^timestamp,voltage,current,soc,temp_max,temp_min\b/);
    expect(csv.trim().split('\n').length).toBeGreaterThan(1);
    const jsonHref = await page.getByTestId('download-json').getAttribute('href');
    const day = await (await fetch(`${gateway.url}${jsonHref}`)).json();
    expect(day.samples.length).toBeGreaterThan(0);
    expect(Number(count.split(' ')[0])).toBeGreaterThan(0);
    expectNoProblems(problems);
  });

  it('BMS settings refuse an out-of-range value before sending, and write a valid one to the BMS and read it back', async () => {
    type Listed = { registers: { address: number; value?: number; min: number; max: number; scale: number; writable: boolean; options?: unknown[] }[] };
    const before = await gateway.api.get<Listed>('/api/registers');
    // A plain whole-number register with room above its value.
    const target = before.registers.find((r) => r.writable && !r.options && r.scale === 1 && r.value !== undefined && r.value + 1 <= r.max)!;
    expect(target).toBeDefined();
    const { page, problems } = await browser.newPage();
    await page.goto(`${gateway.url}/#/registers`);
    if (await page.getByTestId('login-form').isVisible()) await signIn(page);
    const table = page.getByTestId('registers');
    const input = table.getByTestId(`reg-${target.address}`);
    await eventually(() => input.inputValue(), (v) => v === String(target.value));
    const write = page.getByRole('button', { name: 'Write to BMS' });

    await input.fill(String(target.max + 1));
    await eventually(() => table.locator('tr.has-error .field-error').count(), (n) => n === 1);
    await expect(write.isDisabled()).resolves.toBe(true);

    await input.fill(String(target.value! + 1));
    await write.click();
    await eventually(() => page.locator('.notice').first().innerText(), (t) => t.startsWith('Wrote 1 register'), 15_000);
    await expect(input.inputValue()).resolves.toBe(String(target.value! + 1));
    const after = await gateway.api.get<Listed>('/api/registers');
    expect(after.registers.find((r) => r.address === target.address)?.value).toBe(target.value! + 1);
    expectNoProblems(problems);
  });

  it.each([
    ['uart', 'uart-frames'],
    ['can', 'can-frames'],
  ])('the %s monitor shows frames as hex', async (id, testId) => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${gateway.url}/#/${id}`);
    const rows = page.getByTestId(testId).locator('tbody tr');
    await eventually(() => rows.count(), (n) => n > 0, 15_000);
    await expect(rows.first().locator('.hex').innerText()).resolves.toMatch(/^([0-9A-F]{2} )*[0-9A-F]{2}$/);
    expectNoProblems(problems);
  });

  it('diagnostics shows the health metrics', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${gateway.url}/#/diagnostics`);
    await eventually(() => page.getByTestId('diagnostics').locator('.kv-row').count(), (n) => n > 0);
    expectNoProblems(problems);
  });

  it('firmware update shows itself unavailable when the gateway answers 503', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${gateway.url}/#/ota`);
    if (await page.getByTestId('login-form').isVisible()) await signIn(page);
    const form = page.getByTestId('ota');
    await form.locator('input[type=file]').nth(0).setInputFiles({ name: 'fw.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4096, 1) });
    await form.locator('input[type=file]').nth(1).setInputFiles({ name: 'fw.sig', mimeType: 'application/octet-stream', buffer: Buffer.alloc(64, 2) });
    await form.getByRole('button', { name: 'Upload and install' }).click();
    await page.getByTestId('ota-unavailable').waitFor();
    await expect(page.getByTestId('ota-submit').isDisabled()).resolves.toBe(true);
    expectNoProblems(problems, [503]);
  });
});
