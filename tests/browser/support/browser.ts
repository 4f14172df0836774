/**
 * Debian's Chromium driven by playwright-core: a fresh profile per launch, the project's fixed
 * flag set, and a record of everything the page did wrong (console errors, uncaught exceptions,
 * CSP violations, requests to any other origin) so tests can assert there was nothing.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots go here (gitignored). */
export const OUTPUT_DIR = join(process.cwd(), 'test-output');

export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  foreignRequests: string[];
}

export interface BrowserSession {
  context: BrowserContext;
  /** A new tab with problem tracking; `problems` fills as the page runs. */
  newPage(): Promise<{ page: Page; problems: PageProblems }>;
  /** Close every tab (after each test, so a failed test leaves no WebSocket clients behind). */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export async function launchBrowser(options: { origin: string; colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } }): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'tinybms-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const problems: PageProblems = { consoleErrors: [], pageErrors: [], foreignRequests: [] };
      page.on('console', (message) => {
        if (message.type() === 'error') problems.consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => problems.pageErrors.push(error.message));
      page.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(options.origin) && !url.startsWith(options.origin.replace('http', 'ws')) && !url.startsWith('blob:') && !url.startsWith('data:')) {
          problems.foreignRequests.push(url);
        }
      });
      return { page, problems };
    },
    async closePages() {
      await Promise.all(context.pages().map((page) => page.close()));
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function outputPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, name);
}
