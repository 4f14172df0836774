/**
 * The configuration editor in Chromium against the running gateway: sign-in, every server error
 * next to its field, persistence across reloads, export and import.
 */
import { readFileSync } from 'node:fs';
import { outputPath } from './support/browser';
import { USERNAME } from './support/gateway_under_test';
import { eventually, expectNoProblems, signIn, signInIfAsked, text, textOf, useGatewayAndBrowser } from './support/suite';

jest.setTimeout(60_000);

const suite = useGatewayAndBrowser();

describe('configuration', () => {
  it('refuses a wrong password, shows every server error next to its field, and a valid edit persists across a reload', async () => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(`${suite.gateway.url}/#/config`);
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
    const before = await suite.gateway.api.get<{ bms: { poll_interval_ms: number } }>('/api/config');
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
    const after = await suite.gateway.api.get<{ bms: { poll_interval_ms: number } }>('/api/config');
    expect(after.bms.poll_interval_ms).toBe(750);
    expectNoProblems(problems, [400, 401]);
  });
});

describe('configuration backup', () => {
  it('exports a file, refuses an invalid import without changing anything, and applies a valid one', async () => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(`${suite.gateway.url}/#/config`);
    await signInIfAsked(page);
    await page.getByTestId('config-form').waitFor();

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export configuration' }).click();
    const exported = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
    expect(exported.bms.poll_interval_ms).toBe((await suite.gateway.api.get<{ bms: { poll_interval_ms: number } }>('/api/config')).bms.poll_interval_ms);
    expect(exported.web.password_hash).not.toMatch(/^[0-9a-f]{64}$/); // secrets stay masked

    const importFile = (document: unknown, name: string) =>
      page.getByTestId('config-import').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(document)) });
    await importFile({ ...exported, bms: { ...exported.bms, poll_interval_ms: 5 } }, 'bad.json');
    await eventually(() => textOf(page.getByTestId('config-outcome')), (t) => t.startsWith('Import refused, nothing changed'));
    await expect(text(page, 'err-bms.poll_interval_ms')).resolves.toMatch(/at least 100/);
    expect((await suite.gateway.api.get<{ bms: { poll_interval_ms: number } }>('/api/config')).bms.poll_interval_ms).toBe(exported.bms.poll_interval_ms);

    await importFile({ ...exported, bms: { ...exported.bms, poll_interval_ms: 900 } }, 'good.json');
    await eventually(() => textOf(page.getByTestId('config-outcome')), (t) => t === 'Imported good.json');
    await page.getByTestId('tab-bms').click();
    await expect(page.getByTestId('cfg-bms.poll_interval_ms').inputValue()).resolves.toBe('900');
    expect((await suite.gateway.api.get<{ bms: { poll_interval_ms: number } }>('/api/config')).bms.poll_interval_ms).toBe(900);
    expectNoProblems(problems, [400]);
  });
});
