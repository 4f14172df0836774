/**
 * Several packs in the browser (the composition of SIMULATION_PACKS=2 npm start): a pack
 * selector on the dashboard, the bank shown by default, each pack's own values, cells and BMS
 * link on request, and a silent pack marked in the selector.
 */
import type { Page } from 'playwright-core';
import { eventually, expectNoProblems, text, useGatewayAndBrowser } from './support/suite';

jest.setTimeout(90_000);

const suite = useGatewayAndBrowser({ packs: 2 });

interface PackEntry {
  pack: number;
  data_valid: boolean;
  state_of_charge_pct: number;
  pack_voltage_v: number;
  cell_voltage_mv: number[];
}

async function statusPacks(): Promise<PackEntry[]> {
  return (await (await fetch(`${suite.gateway.url}/api/status`)).json()).packs;
}

const number = async (page: Page, testId: string) => Number.parseFloat(await text(page, testId));
const cardTitle = (page: Page, testId: string) => page.getByTestId(testId).locator('h2').innerText();

describe('pack selector', () => {
  it('shows the bank by default, and each pack on request with its own SOC, voltage and cells', async () => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(suite.gateway.url);
    await page.getByTestId('pack-selector').waitFor();
    await expect(page.getByTestId('pack-selector').locator('button').allInnerTexts()).resolves.toEqual(['Bank', 'Pack 1', 'Pack 2']);
    await expect(page.getByTestId('pack-choice-0').getAttribute('aria-selected')).resolves.toBe('true');
    await expect(cardTitle(page, 'battery-card')).resolves.toBe('Bank');
    await page.getByTestId('pack-voltage').filter({ hasText: / V$/ }).waitFor();

    const shown: Record<number, { soc: number; volts: number }> = {};
    for (const pack of [1, 2]) {
      await page.getByTestId(`pack-choice-${pack}`).click();
      await expect(cardTitle(page, 'battery-card')).resolves.toBe(`Pack ${pack}`);
      await expect(cardTitle(page, 'cells-card')).resolves.toBe(`Pack ${pack} cells (16)`);
      await page.getByTestId('pack-voltage').filter({ hasText: / V$/ }).waitFor();
      shown[pack] = { soc: await number(page, 'soc-value'), volts: await number(page, 'pack-voltage') };
      const entry = (await statusPacks())[pack - 1];
      // The page shows the pack's last /api/status (every 5 s): close to what the server says now.
      expect(Math.abs(shown[pack].soc - entry.state_of_charge_pct)).toBeLessThan(1);
      expect(Math.abs(shown[pack].volts - entry.pack_voltage_v)).toBeLessThan(0.5);
      const cells = await page.$$eval('[data-testid^="cell-"]', (nodes) => nodes.map((n) => Number(/: ([\d.]+) mV/.exec(n.getAttribute('title') ?? '')?.[1])));
      expect(cells).toHaveLength(16);
      cells.forEach((mv, i) => expect(Math.abs(mv - entry.cell_voltage_mv[i])).toBeLessThan(30));
    }
    // Own seeds: the two packs are different batteries, and the page says so.
    expect(shown[1].soc).not.toBe(shown[2].soc);

    await page.getByTestId('pack-choice-0').click();
    await expect(cardTitle(page, 'battery-card')).resolves.toBe('Bank');
    // The bank's cells are every pack's (0x373–0x377 range over all of them).
    await expect(cardTitle(page, 'cells-card')).resolves.toBe('Cells (32)');
    await expect(page.locator('[data-testid^="cell-"]').count()).resolves.toBe(32);
    expectNoProblems(problems);
  });

  it('marks a silent pack in the selector and shows its BMS link down, while the bank stays up', async () => {
    const { page, problems } = await suite.browser.newPage();
    await page.goto(suite.gateway.url);
    await page.getByTestId('pack-selector').waitFor();
    await suite.gateway.injectFault({ kind: 'bms_silence', pack: 2 });
    try {
      await eventually(async () => (await statusPacks())[1].data_valid, (valid) => valid === false, 20_000);
      await page.locator('[data-testid="pack-choice-2"].level-down').waitFor({ timeout: 15_000 });
      await page.getByTestId('pack-choice-2').click();
      await page.locator('[data-testid="link-bms"][data-level="down"]').waitFor({ timeout: 10_000 });
      await page.getByTestId('stale-banner').waitFor();
      await page.getByTestId('pack-choice-0').click();
      await page.locator('[data-testid="link-bms"][data-level="up"]').waitFor({ timeout: 10_000 });
      await expect(page.getByTestId('pack-choice-1').getAttribute('class')).resolves.not.toContain('level-down');
    } finally {
      await suite.gateway.clearFaults();
    }
    expectNoProblems(problems);
  });
});
