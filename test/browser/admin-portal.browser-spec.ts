import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../e2e/support/test-gateway';
import {
  browserSuiteMissing,
  expectOneH1,
  launchChromium,
  newPortalContext,
  overflowsHorizontally,
  PageProblems,
  PORTAL_DIR,
  settle,
  signIn,
  VIEWPORTS,
} from './support/portal-browser';

/**
 * The admin half as a whole, in Debian's Chromium against the embedded gateway: who reaches which page,
 * and every admin page's floor (one h1, no console errors or failed requests, no sideways scrolling on a
 * phone, reachable from the navigation with the keyboard). Each page's own behaviour, axe findings and
 * screenshots are tested in its admin-*.browser-spec.ts.
 */
const missing = browserSuiteMissing();
if (missing) console.warn(`admin portal browser suite skipped: ${missing}`);

const ADMIN_PAGES = [
  { path: '/admin', h1: 'Admin overview', nav: 'Overview' },
  { path: '/admin/providers', h1: 'Providers', nav: 'Providers' },
  { path: '/admin/models', h1: 'Models', nav: 'Catalog' },
  { path: '/admin/routing', h1: 'Routing policy', nav: 'Routing' },
  { path: '/admin/users', h1: 'Users', nav: 'Users' },
  { path: '/admin/tiers', h1: 'Tiers and billing', nav: 'Tiers and billing' },
  { path: '/admin/usage', h1: 'All usage', nav: 'All usage' },
  { path: '/admin/audit', h1: 'Audit', nav: 'Audit' },
] as const;

(missing ? describe.skip : describe)('admin portal in Chromium: access and every page', () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    gw = await startTestGateway('pglite', { PORTAL_DIR });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  beforeEach(async () => {
    context = await newPortalContext(browser, gw.baseUrl);
    page = await context.newPage();
    problems = new PageProblems(page);
  });

  afterEach(async () => {
    expect(problems.take()).toEqual([]);
    await context.close();
  });

  it('a user reads 403 on every admin address, and the navigation has no admin section', async () => {
    await signIn(page, 'demo', gw.userPassword);
    await expectOneH1(page, 'Usage');
    expect(await page.getByRole('navigation').getByText('Administration').count()).toBe(0);
    for (const { path } of ADMIN_PAGES) {
      await page.goto(path);
      await expectOneH1(page, 'Not allowed');
      expect(new URL(page.url()).pathname).toBe(path);
      await page.getByText('403').first().waitFor();
    }
    // The way out leads home.
    await page.getByRole('link', { name: 'Go to your start page' }).click();
    await page.waitForURL('**/app/usage');
  });

  it('the admin reaches every admin page from the navigation with the keyboard; each has one h1 and fits a phone', async () => {
    await signIn(page, 'admin', gw.adminPassword, '/admin');
    await expectOneH1(page, 'Admin overview');
    for (const { path, h1, nav } of ADMIN_PAGES) {
      const link = page.getByRole('navigation').getByRole('link', { name: nav, exact: true });
      await link.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === path);
      await expectOneH1(page, h1);
      await settle(page);
      await page.setViewportSize(VIEWPORTS.phone);
      expect({ path, overflows: await overflowsHorizontally(page) }).toEqual({ path, overflows: false });
      await page.setViewportSize(VIEWPORTS.desktop);
    }
  });
});
