/**
 * Alerts from an injected fault, and the other pages (charts, history, BMS settings, frame
 * monitors, diagnostics, firmware update without OTA) in Chromium against the running gateway.
 * Uploads to a gateway with OTA: ota.test.ts.
 */
import { readFileSync } from 'node:fs';
import { outputPath } from './support/browser';
import { attributeOf, eventually, expectNoProblems, signIn, signInIfAsked, textOf, useGatewayAndBrowser } from './support/suite';

jest.setTimeout(60_000);

const suite = useGatewayAndBrowser();

describe('alerts', () => {
  it('appear when the simulator injects a fault, and can be acknowledged', async () => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(`${suite.gateway.url}/#/alerts`);
    await page.getByTestId('no-alerts').waitFor();

    await suite.gateway.injectFault(suite.gateway.overVoltageFault);
    const alert = page.getByTestId('alert-OVER_VOLTAGE');
    await alert.waitFor({ timeout: 20_000 });
    await expect(alert.getAttribute('data-acknowledged')).resolves.toBe('no');
    await expect(textOf(page.getByTestId('alert-count'))).resolves.toMatch(/^[1-9]/);

    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await signIn(page);
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await eventually(attributeOf(alert, 'data-acknowledged'), (v) => v === 'yes');
    await page.screenshot({ path: outputPath('alerts.png'), fullPage: true });
    const listed = await (await fetch(`${suite.gateway.url}/api/alarms`)).json();
    expect(listed.alerts.find((a: { code: string }) => a.code === 'OVER_VOLTAGE')?.acknowledged).toBe(true);

    await suite.gateway.clearFaults();
    expectNoProblems(problems);
  });
});

describe('other pages', () => {
  it('live charts start from the stored history and fill from telemetry', async () => {
    // History is stored every 5 s: wait for two samples, then open the page.
    await eventually(async () => (await fetch(`${suite.gateway.url}/api/history?limit=5`)).json(), (day) => day.samples?.length >= 2, 20_000);
    const openedS = Date.now() / 1000;
    const { page, problems } = await suite.browser.newPage();
    await page.goto(`${suite.gateway.url}/#/charts`);
    const chart = page.getByTestId('chart-pack');
    // Telemetry only brings points from after the page opened; earlier ones come from history.
    await eventually(attributeOf(chart, 'data-first-s'), (first) => first !== null && Number(first) < openedS - 4);
    const points = Number(await chart.getAttribute('data-points'));
    await eventually(attributeOf(chart, 'data-points'), (n) => Number(n) > points, 15_000);
    await expect(chart.locator('canvas').count()).resolves.toBe(1);
    await page.screenshot({ path: outputPath('charts.png'), fullPage: true });
    expectNoProblems(problems);
  });

  it('history lists the stored day, charts it and offers CSV and JSON downloads', async () => {
    // The logger stores a sample every 5 s: wait until a day exists.
    const files = await eventually(async () => (await fetch(`${suite.gateway.url}/api/history/files`)).json(), (body) => body.files.length > 0, 20_000);
    const newest = files.files.map((f: { date: string }) => f.date).sort().pop();
    const { page, problems } = await suite.browser.newPage();
    await page.goto(`${suite.gateway.url}/#/history`);
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
    const day = await (await fetch(`${suite.gateway.url}${jsonHref}`)).json();
    expect(day.samples.length).toBeGreaterThan(0);
    expect(Number(count.split(' ')[0])).toBeGreaterThan(0);
    expectNoProblems(problems);
  });

  it('BMS settings refuse an out-of-range value before sending, and write a valid one to the BMS and read it back', async () => {
    type Listed = { registers: { address: number; value?: number; min: number; max: number; scale: number; writable: boolean; options?: unknown[] }[] };
    const before = await suite.gateway.api.get<Listed>('/api/registers');
    // A plain whole-number register with room above its value.
    const target = before.registers.find((r) => r.writable && !r.options && r.scale === 1 && r.value !== undefined && r.value + 1 <= r.max)!;
    expect(target).toBeDefined();
    const { page, problems } = await suite.browser.newPage();
    await page.goto(`${suite.gateway.url}/#/registers`);
    await signInIfAsked(page);
    const table = page.getByTestId('registers');
    const input = table.getByTestId(`reg-${target.address}`);
    await eventually(() => input.inputValue(), (v) => v === String(target.value));
    const write = page.getByRole('button', { name: 'Write to BMS' });

    await input.fill(String(target.max + 1));
    await eventually(() => table.locator('tr.has-error .field-error').count(), (n) => n === 1);
    await expect(write.isDisabled()).resolves.toBe(true);

    await input.fill(String(target.value! + 1));
    await write.click();
    await eventually(() => page.locator('.page .notice').first().innerText(), (t) => t.startsWith('Wrote 1 register'), 15_000);
    await expect(input.inputValue()).resolves.toBe(String(target.value! + 1));
    const after = await suite.gateway.api.get<Listed>('/api/registers');
    expect(after.registers.find((r) => r.address === target.address)?.value).toBe(target.value! + 1);
    expectNoProblems(problems);
  });

  it.each([
    ['uart', 'uart-frames'],
    ['can', 'can-frames'],
  ])('the %s monitor shows frames as hex', async (id, testId) => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(`${suite.gateway.url}/#/${id}`);
    const rows = page.getByTestId(testId).locator('tbody tr');
    await eventually(() => rows.count(), (n) => n > 0, 15_000);
    await expect(rows.first().locator('.hex').innerText()).resolves.toMatch(/^([0-9A-F]{2} )*[0-9A-F]{2}$/);
    expectNoProblems(problems);
  });

  it('diagnostics shows the health metrics', async () => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(`${suite.gateway.url}/#/diagnostics`);
    await eventually(() => page.getByTestId('diagnostics').locator('.check').count(), (n) => n > 0);
    expectNoProblems(problems);
  });

  it('firmware update shows itself unavailable when the gateway has no OTA (answers 503)', async () => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(`${suite.gateway.url}/#/ota`);
    await signInIfAsked(page);
    const form = page.getByTestId('ota');
    await form.locator('input[type=file]').nth(0).setInputFiles({ name: 'fw.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4096, 1) });
    await form.locator('input[type=file]').nth(1).setInputFiles({ name: 'fw.sig', mimeType: 'application/octet-stream', buffer: Buffer.alloc(64, 2) });
    await form.getByRole('button', { name: 'Upload and install' }).click();
    await page.getByTestId('ota-unavailable').waitFor();
    await expect(page.getByTestId('ota-submit').isDisabled()).resolves.toBe(true);
    expectNoProblems(problems, [503]);
  });
});
