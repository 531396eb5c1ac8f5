import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = path.resolve(__dirname, '../../..');

/** The portal build under test: frontend/dist (what `npm test` builds), or TEST_PORTAL_DIR (a build elsewhere). */
export const PORTAL_DIR = process.env.TEST_PORTAL_DIR
  ? path.resolve(process.env.TEST_PORTAL_DIR)
  : path.join(root, 'frontend', 'dist', 'portal', 'browser');
export const SCREENSHOTS = path.join(root, 'test', 'e2e', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser suite cannot run here, or null when it can. */
export function browserSuiteMissing(): string | null {
  if (!existsSync(CHROMIUM))
    return `no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it when missing)`;
  if (!existsSync(path.join(PORTAL_DIR, 'index.html')))
    return `the portal is not built (${PORTAL_DIR}): run node scripts/portal-build.mjs`;
  return null;
}

/** Debian's Chromium, headless; never a downloaded browser, never a connection off this machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export const VIEWPORTS = {
  phone: { width: 360, height: 780 },
  desktop: { width: 1280, height: 900 },
} as const;

/**
 * Everything a page did wrong while a test drove it: console errors, uncaught exceptions, requests that
 * failed or answered 4xx/5xx (except those a test expects, by `allow`).
 */
export class PageProblems {
  private readonly seen: string[] = [];
  private readonly allowed: RegExp[] = [];

  constructor(page: Page) {
    page.on('console', (m) => {
      if (m.type() === 'error' && !this.isAllowed(m.text())) this.seen.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.seen.push(`uncaught: ${e.message}`));
    page.on('requestfailed', (r) => {
      const why = r.failure()?.errorText ?? 'failed';
      // A download, or a navigation the page itself abandoned, is not a failure the user sees.
      if (why.includes('ERR_ABORTED')) return;
      const line = `request failed: ${r.method()} ${r.url()} (${why})`;
      if (!this.isAllowed(line)) this.seen.push(line);
    });
    page.on('response', (r) => {
      if (r.status() < 400) return;
      const line = `HTTP ${r.status()}: ${r.request().method()} ${r.url()}`;
      if (!this.isAllowed(line)) this.seen.push(line);
    });
  }

  /** A problem a test provokes on purpose (a wrong password's 401, say); until the next take(). */
  allow(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  take(): string[] {
    this.allowed.length = 0;
    return this.seen.splice(0);
  }

  private isAllowed(text: string): boolean {
    return this.allowed.some((p) => p.test(text));
  }
}

export async function newPortalContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport: VIEWPORTS.desktop, reducedMotion: 'reduce' });
}

/** axe-core's serious and critical findings on the page as it is now (WCAG 2.1 A/AA rules). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

/**
 * A screenshot of the whole page. The portal scrolls inside its layout (the sidenav's content), not the
 * document, so "fullPage" alone would stop at the fold: the viewport is made as tall as that content
 * for the shot (at most 6,000 px) and put back after.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize();
  const tall = await page.evaluate(() => {
    const content = document.querySelector('mat-sidenav-content');
    const bar = document.querySelector('mat-toolbar');
    return content
      ? content.scrollHeight + (bar?.getBoundingClientRect().height ?? 0)
      : document.documentElement.scrollHeight;
  });
  const grow = size !== null && tall > size.height;
  if (grow) await page.setViewportSize({ width: size.width, height: Math.min(Math.ceil(tall), 6_000) });
  try {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  } finally {
    if (grow) await page.setViewportSize(size);
  }
}

/** Whether the page scrolls sideways (content wider than a 360 px phone). */
export const overflowsHorizontally = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);

/** The page has exactly one h1, and it reads `text`. */
export async function expectOneH1(page: Page, text: string): Promise<void> {
  const h1 = page.locator('h1');
  await h1.filter({ hasText: text }).first().waitFor();
  expect(await h1.count()).toBe(1);
}

/** Waits until the page has no spinner or progress bar left (its data has arrived). */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !document.querySelector('mat-spinner, mat-progress-bar, [role="progressbar"]'),
  );
}

/** Signs in on /login with a local username and password and waits until the portal has left /login. */
export async function signIn(page: Page, username: string, password: string, returnUrl = '/'): Promise<void> {
  await page.goto(`/login?returnUrl=${encodeURIComponent(returnUrl)}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}
