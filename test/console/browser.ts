import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from '../helpers.js';

/**
 * Debian's Chromium driven by playwright-core (no browser download: .ci/run installs the `chromium`
 * package). Headless, with nothing that reaches beyond loopback, and a fresh profile every time.
 */
export const CHROMIUM = process.env.VOUCH_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots land here (git-ignored), one folder per run of the suite. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/console-screenshots/', import.meta.url));

/** What a page did that a test must see: every request it made, and every error it raised or logged. */
export interface Watch {
  requests: string[];
  errors: string[];
}

export async function openBrowser(options: { timezoneId?: string } = {}): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set VOUCH_CHROMIUM)`);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launchPersistentContext(tempDir('vouch-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
    locale: 'zh-CN',
    // Not Shanghai on purpose: the console must show Shanghai time whatever the browser's zone.
    timezoneId: options.timezoneId ?? 'America/New_York',
  });
}

/** A new tab whose requests and errors (uncaught exceptions, console errors, CSP reports) are recorded. */
export async function watchedPage(context: BrowserContext, watch: Watch): Promise<Page> {
  const page = await context.newPage();
  page.on('request', (r) => watch.requests.push(r.url()));
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') watch.errors.push(`console.${m.type()}: ${m.text()}`);
  });
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}
