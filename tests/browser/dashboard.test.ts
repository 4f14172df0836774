/**
 * The dashboard in Chromium against the running gateway: served assets, live values, cells,
 * links, light/dark theme (with screenshots), and stale data flagged when the BMS goes silent.
 */
import type { Page } from 'playwright-core';
import { outputPath } from './support/browser';
import { attributeOf, eventually, expectNoProblems, text, useGatewayAndBrowser } from './support/suite';

jest.setTimeout(60_000);

const suite = useGatewayAndBrowser();

/** Background luminance of <body> (0 black … 1 white). */
async function backgroundLuminance(page: Page): Promise<number> {
  const rgb = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (rgb.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

describe('serving', () => {
  it('serves the built UI gzipped with an ETag, revalidates with 304, and under a CSP without inline script', async () => {
    for (const path of ['/', '/app.js', '/app.css']) {
      const first = await fetch(suite.gateway.url + path, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(first.status).toBe(200);
      expect(first.headers.get('content-encoding')).toBe('gzip');
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[0-9a-f]+"$/);
      await first.arrayBuffer();
      const again = await fetch(suite.gateway.url + path, { headers: { 'If-None-Match': etag! } });
      expect(again.status).toBe(304);
    }
    const page = await fetch(suite.gateway.url);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    expect(await page.text()).toContain('<script type="module" src="app.js"></script>');
  });
});

describe('dashboard', () => {
  it('shows live values that change, 16 cells with min/max and balancing marked, and link states', async () => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(suite.gateway.url);
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
    const data = await (await fetch(`${suite.gateway.url}/api/data`)).json();
    expect(shown.flatMap((c, i) => (c.balancing ? [i + 1] : []))).toEqual(data.balancing_cells);

    await expect(page.getByTestId('link-live').getAttribute('data-level')).resolves.toBe('up');
    await expect(page.getByTestId('link-bms').getAttribute('data-level')).resolves.toBe('up');
    // Limits arrive with the gateway's first charge decision (telemetry or status, whichever comes first).
    await page.getByTestId('limit-cvl').filter({ hasText: /^\d+\.\d\d V$/ }).waitFor({ timeout: 10_000 });
    // "Why": the limiting factor of each limit, as the gateway reports it, and the active BMS cut-off bounds.
    await page.getByTestId('limit-why-ccl').waitFor({ timeout: 10_000 });
    const answer = await (await fetch(`${suite.gateway.url}/api/status`)).json();
    expect(typeof answer.battery?.limiting?.ccl).toBe('string');
    await eventually(async () => page.getByTestId('limit-why-dcl').getAttribute('title'), (why) => typeof why === 'string' && why.length > 0, 10_000);
    // The simulated TinyBMS cuts discharge at 150 A: DCL ≤ 135 A, said in the UI.
    await page.getByTestId('limit-bms-bounds').filter({ hasText: /discharge over-current cut-off \(reg 317\)/ }).waitFor({ timeout: 10_000 });
    expectNoProblems(problems);
  });

  it('switches between light and dark (toggle and prefers-color-scheme) and saves screenshots of both', async () => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(suite.gateway.url);
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
    const { page, problems } = await suite.browser.newPage();
    await page.goto(suite.gateway.url);
    await page.getByTestId('pack-voltage').filter({ hasText: / V$/ }).waitFor();
    expect(await page.getByTestId('stale-banner').count()).toBe(0);

    await suite.gateway.injectFault({ kind: 'bms_silence' });
    await page.getByTestId('stale-banner').waitFor({ timeout: 20_000 });
    await eventually(attributeOf(page.getByTestId('link-bms'), 'data-level'), (level) => level === 'down', 20_000);
    await page.screenshot({ path: outputPath('dashboard-stale.png') });

    await suite.gateway.clearFaults();
    await page.getByTestId('stale-banner').waitFor({ state: 'detached', timeout: 20_000 });
    expectNoProblems(problems);
  });
});
