/**
 * What every browser test file shares: one gateway and one Chromium per file (closed after),
 * every tab closed after each test, and small polling and page helpers.
 */
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type BrowserSession, type PageProblems } from './browser';
import { PASSWORD, startGatewayUnderTest, USERNAME, type GatewayUnderTest, type GatewayUnderTestOptions } from './gateway_under_test';

export interface Suite {
  gateway: GatewayUnderTest;
  browser: BrowserSession;
}

/** Registers the jest hooks; the returned object is filled before the first test runs. */
export function useGatewayAndBrowser(options: GatewayUnderTestOptions = {}): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    suite.gateway = await startGatewayUnderTest(options);
    suite.browser = await launchBrowser({ origin: suite.gateway.url });
  });
  afterEach(async () => {
    // A failed test must not leave WebSocket clients behind (the server serves a few only).
    await suite.browser?.closePages();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.gateway?.close();
  });
  return suite;
}

/** No script errors, no foreign requests; failed HTTP answers only with the statuses the test provoked. */
export function expectNoProblems(problems: PageProblems, expectedHttpStatuses: number[] = []): void {
  const unexpected = problems.consoleErrors.filter((line) => {
    const status = /Failed to load resource: the server responded with a status of (\d+)/.exec(line)?.[1];
    return !(status && expectedHttpStatuses.includes(Number(status)));
  });
  expect(problems.pageErrors).toEqual([]);
  expect(unexpected).toEqual([]);
  expect(problems.foreignRequests).toEqual([]);
}

/** Polls `read` until it returns a value `accept` likes; fails with the last value seen. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

export const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();
export const textOf = (locator: Locator) => locator.innerText();
export const attributeOf = (locator: Locator, name: string) => () => locator.getAttribute(name);

/** Fills and submits the login form, then waits for it to go. */
export async function signIn(page: Page): Promise<void> {
  const form = page.getByTestId('login-form');
  await form.locator('input[name=username]').fill(USERNAME);
  await form.locator('input[name=password]').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await form.waitFor({ state: 'detached' });
}

/** Signs in when the page asks for it. */
export async function signInIfAsked(page: Page): Promise<void> {
  if (await page.getByTestId('login-form').isVisible()) await signIn(page);
}
