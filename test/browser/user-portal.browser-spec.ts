import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { eventually } from '@gw/shared-kernel/testing';
import { startTestGateway, type TestGateway } from '../e2e/support/test-gateway';
import { registerKeyOnlyProvider } from '../e2e/support/key-only-provider';
import {
  browserSuiteMissing,
  expectOneH1,
  launchChromium,
  newPortalContext,
  overflowsHorizontally,
  PageProblems,
  PORTAL_DIR,
  screenshot,
  seriousAxeViolations,
  settle,
  VIEWPORTS,
} from './support/portal-browser';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { portalSizes } = require('../../scripts/portal-sizes.cjs') as {
  portalSizes(dir: string): { initialBytes: number; lazy: { file: string; bytes: number }[] };
};

/**
 * The user portal in Debian's Chromium against the real embedded gateway (PGlite, mock providers, the
 * production build of frontend/ served at /), signed in as the demo user the gateway opens on first start.
 */
const missing = browserSuiteMissing();
if (missing) console.warn(`user portal browser suite skipped: ${missing}`);

const BYOK_KEY = `byok-browser-${randomBytes(16).toString('hex')}`;
const BYOK_MODEL = 'browser-byok-model';

const USER_PAGES = [
  { path: '/app/usage', h1: 'Usage' },
  { path: '/app/playground', h1: 'Playground' },
  { path: '/app/models', h1: 'Models' },
  { path: '/app/provider-keys', h1: 'Provider keys' },
  { path: '/app/api-keys', h1: 'API keys' },
  { path: '/app/credits', h1: 'Credits' },
  { path: '/app/settings', h1: 'Settings' },
] as const;

(missing ? describe.skip : describe)('user portal in Chromium', () => {
  let gw: TestGateway;
  let upstream: MockProvider;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    gw = await startTestGateway('pglite', { PORTAL_DIR, ALLOWED_UPSTREAM_HOSTS: '127.0.0.1' });
    upstream = await startMockProvider({ requireApiKey: BYOK_KEY, models: [BYOK_MODEL] });
    await registerKeyOnlyProvider(gw.baseUrl, gw.adminKey, {
      slug: 'browser-byok',
      name: 'Browser BYOK',
      upstreamUrl: upstream.url,
      model: BYOK_MODEL,
      displayName: 'Browser BYOK model',
    });
    browser = await launchChromium();
    context = await newPortalContext(browser, gw.baseUrl);
    page = await context.newPage();
    problems = new PageProblems(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await upstream?.close();
    await gw?.close();
  });

  afterEach(() => {
    expect(problems.take()).toEqual([]);
  });

  it('sends a visitor to /login, and back to the page they asked for after signing in with the keyboard', async () => {
    await page.goto('/app/credits');
    await page.waitForURL(/\/login\?returnUrl=%2Fapp%2Fcredits/);
    await expectOneH1(page, 'Sign in to Switchyard');
    await screenshot(page, 'login-1280');
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, 'login-360');
    expect(await seriousAxeViolations(page)).toEqual([]);

    problems.allow(/HTTP 401: POST .*\/api\/v1\/auth\/login/);
    problems.allow(/Failed to load resource: the server responded with a status of 401/);
    await page.getByLabel('Username').fill('demo');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();

    // Keyboard only: focus the username field, tab to the password, submit with Enter.
    await page.getByLabel('Username').fill('');
    await page.getByLabel('Username').focus();
    await page.keyboard.type('demo');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(gw.userPassword);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/app/credits');
    await expectOneH1(page, 'Credits');
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('keeps the session across a reload (refresh cookie), with the token only in memory', async () => {
    await page.reload();
    await expectOneH1(page, 'Credits');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toMatch(/eyJ/); // no JWT in web storage
  });

  it('adds a BYOK key for a provider with no platform key, tests the connection, and shows it masked', async () => {
    await page.goto('/app/provider-keys');
    await expectOneH1(page, 'Provider keys');
    const card = page
      .locator('mat-card')
      .filter({ has: page.getByRole('heading', { name: /Browser BYOK/ }) });
    await card.getByRole('button', { name: /^Add key$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('API key', { exact: true }).fill(BYOK_KEY);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog
      .getByText(/works|succeeded|connected|accepted/i)
      .first()
      .waitFor();
    await screenshot(page, 'provider-keys-dialog-1280');
    await dialog.getByRole('button', { name: 'Save key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await card.getByText(BYOK_KEY.slice(-4)).first().waitFor();
    expect(await page.content()).not.toContain(BYOK_KEY);
  });

  it('switches the power level and sees the live estimate of each level', async () => {
    await page.goto('/app/settings');
    await expectOneH1(page, 'Settings');
    const estimates = page.locator('.estimate');
    await estimates.first().waitFor();
    await expect(estimates.filter({ hasText: /\$\d/ }).count()).resolves.toBeGreaterThanOrEqual(3);
    await page.getByRole('radio', { name: /Precision/ }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/saved/i).first().waitFor();
    await page.reload();
    await expect(page.getByRole('radio', { name: /Precision/ }).isChecked()).resolves.toBe(true);
    const me = await fetch(`${gw.baseUrl}/api/v1/me/settings`, {
      headers: { authorization: `Bearer ${gw.userKey}` },
    }).then((r) => r.json() as Promise<{ powerLevel: string }>);
    expect(me.powerLevel).toBe('precision');
  });

  let chatRequestId = '';
  it('sends a chat in the playground, streamed, and sees provider, tokens and charge', async () => {
    await page.goto('/app/playground');
    await expectOneH1(page, 'Playground');
    await page.getByLabel('Message').fill('Hello from the browser test');
    await page.getByRole('button', { name: 'Send' }).click();
    const explanation = page.getByRole('link', { name: /explanation|why/i }).first();
    await explanation.waitFor({ timeout: 30_000 });
    const href = (await explanation.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/app\/requests\/[0-9a-f-]{36}$/);
    chatRequestId = href.split('/').pop() ?? '';
    await screenshot(page, 'playground-answer-1280');
    await explanation.click();
    await page.waitForURL(`**/app/requests/${chatRequestId}`);
    await page.locator('h1').first().waitFor();
    expect(await page.locator('h1').count()).toBe(1);
    await settle(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'request-explanation-1280');
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'request-explanation-360');
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it("a request's explanation shows the use case and the chain it followed", async () => {
    const current = await fetch(`${gw.baseUrl}/api/v1/admin/routing/policy`, {
      headers: { authorization: `Bearer ${gw.adminKey}` },
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const saved = await fetch(`${gw.baseUrl}/api/v1/admin/routing/policy`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...current,
        useCases: { code: ['mock-sage/sage-large', 'mock-atlas/atlas-1'] },
      }),
    });
    expect(saved.status).toBe(200);
    const chat = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gw.userKey}`,
        'content-type': 'application/json',
        'x-switchyard-use-case': 'code',
      },
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Write a haiku' }] }),
    });
    expect(chat.status).toBe(200);
    expect(chat.headers.get('x-switchyard-model')).toBe('mock-sage/sage-large');
    const requestId = chat.headers.get('x-switchyard-request-id') ?? '';
    await page.goto(`/app/requests/${requestId}`);
    await page.locator('h1').first().waitFor();
    await page.getByText('mock-sage/sage-large').first().waitFor();
    const main = page.locator('main');
    await expect(
      main
        .getByText(/use case/i)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await expect(main.getByText('code', { exact: true }).first().isVisible()).resolves.toBe(true);
    await expect(main.getByText(/chain/i).first().isVisible()).resolves.toBe(true);
    await settle(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'request-explanation-chain-1280');
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'request-explanation-chain-360');
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('sees the chat in /app/usage and opens its explanation from the recent requests', async () => {
    await gw.waitForProjections();
    await page.goto('/app/usage');
    await expectOneH1(page, 'Usage');
    const row = page.locator(`a[href="/app/requests/${chatRequestId}"]`).first();
    await row.waitFor();
    await row.click();
    await page.waitForURL(`**/app/requests/${chatRequestId}`);
    await page
      .getByText(/chosen|answered/i)
      .first()
      .waitFor();
  });

  it('creates a gateway key (shown once), sees it listed, and revokes it', async () => {
    await page.goto('/app/api-keys');
    await expectOneH1(page, 'API keys');
    const name = `browser ${randomBytes(3).toString('hex')}`;
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog');
    const issued = await dialog.getByLabel(/API key/).inputValue();
    expect(issued).toMatch(/^sk-sy-[A-Za-z0-9_-]{16,}$/);
    const works = await fetch(`${gw.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${issued}` } });
    expect(works.status).toBe(200);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(issued);
    const listed = page.getByText(name).first();
    await listed.waitFor();
    await page
      .locator('tr, mat-card, li')
      .filter({ hasText: name })
      .last()
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /Revoke/ })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: `Revoked “${name}”` })
      .waitFor();
    await page.locator('tr', { hasText: name }).waitFor({ state: 'detached' });
    const refused = await fetch(`${gw.baseUrl}/api/v1/me`, {
      headers: { authorization: `Bearer ${issued}` },
    });
    expect(refused.status).toBe(401);
  });

  it('buys a package with the demo checkout and sees the balance rise', async () => {
    await page.goto('/app/credits');
    await expectOneH1(page, 'Credits');
    const balance = page.getByTestId('balance');
    await balance.waitFor();
    const before = dollars(await balance.innerText());
    await page.locator('ul.packages button').first().click();
    await page.waitForURL('**/billing/demo-checkout**');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL('**/app/credits**');
    await eventually(
      async () => (dollars(await page.getByTestId('balance').innerText()) > before ? true : undefined),
      20_000,
      'the balance to rise after the demo payment',
      100,
    );
  });

  it('filters the catalog by a search', async () => {
    await page.goto('/app/models');
    await expectOneH1(page, 'Models');
    await page.getByLabel('Search models').fill(BYOK_MODEL);
    await eventually(
      async () => ((await page.locator('tr:has(td), mat-card.model').count()) === 1 ? true : undefined),
      10_000,
      'the catalog to show the one matching model',
      100,
    );
    await page.getByText('Browser BYOK model').first().waitFor();
  });

  for (const { path, h1 } of USER_PAGES) {
    it(`${path}: one h1, no serious accessibility finding, fits 360 px, no console error or failed request`, async () => {
      await page.setViewportSize(VIEWPORTS.desktop);
      await page.goto(path);
      await expectOneH1(page, h1);
      await settle(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `${slug(path)}-1280`);
      await page.setViewportSize(VIEWPORTS.phone);
      await settle(page);
      expect(await overflowsHorizontally(page)).toBe(false);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, `${slug(path)}-360`);
      await page.setViewportSize(VIEWPORTS.desktop);
    });
  }
});

const dollars = (text: string): number => Number(text.replace(/[^0-9.]/g, ''));

const slug = (path: string): string => path.replace(/^\//, '').replace(/[/:]/g, '-');

(missing ? describe.skip : describe)('portal bundle', () => {
  it('loads at most 300 kB of gzipped JavaScript first, and at most 250 kB more for any lazy route', () => {
    const sizes = portalSizes(PORTAL_DIR);
    console.log(
      [
        `portal initial JavaScript: ${(sizes.initialBytes / 1024).toFixed(1)} kB gzipped`,
        ...sizes.lazy.map((l) => `  ${l.file}: ${(l.bytes / 1024).toFixed(1)} kB gzipped`),
      ].join('\n'),
    );
    expect(sizes.initialBytes).toBeGreaterThan(10_000); // it measured a real build
    expect(sizes.initialBytes).toBeLessThanOrEqual(300 * 1024);
    expect(sizes.lazy.length).toBeGreaterThanOrEqual(7);
    for (const lazy of sizes.lazy)
      expect({ [lazy.file]: lazy.bytes <= 250 * 1024 }).toEqual({ [lazy.file]: true });
  });
});
