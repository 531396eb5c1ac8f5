import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { eventually } from '@gw/shared-kernel/testing';
import { startTestGateway, type TestGateway } from '../e2e/support/test-gateway';
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
  signIn,
  VIEWPORTS,
} from './support/portal-browser';

/**
 * /admin/providers and /admin/providers/:slug in Debian's Chromium against the embedded gateway: the
 * admin adds a provider at a fake upstream, sets and tests its platform key, the provider gets a model,
 * then its upstream fails and the providers page shows it degraded (or down).
 */
const missing = browserSuiteMissing();
if (missing) console.warn(`admin providers browser suite skipped: ${missing}`);

const PLATFORM_KEY = `sk-browser-${randomBytes(16).toString('hex')}`;
const SLUG = 'browser-upstream';
const NAME = 'Browser Upstream';
const MODEL = 'browser-model';

(missing ? describe.skip : describe)('admin providers in Chromium', () => {
  let gw: TestGateway;
  let upstream: MockProvider;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  const admin = () => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${gw.adminKey}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${gw.adminKey}`),
  });
  const card = (name: string) =>
    page.locator('mat-card').filter({ has: page.getByRole('heading', { name, exact: true }) });

  beforeAll(async () => {
    gw = await startTestGateway('pglite', { PORTAL_DIR, ALLOWED_UPSTREAM_HOSTS: '127.0.0.1' });
    upstream = await startMockProvider({ requireApiKey: PLATFORM_KEY, models: [MODEL] });
    browser = await launchChromium();
    context = await newPortalContext(browser, gw.baseUrl);
    page = await context.newPage();
    problems = new PageProblems(page);
    await signIn(page, 'admin', gw.adminPassword, '/admin/providers');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await upstream?.close();
    await gw?.close();
  });

  afterEach(() => {
    expect(problems.take()).toEqual([]);
  });

  it('adds a provider pointing at a fake upstream through the dialog', async () => {
    await expectOneH1(page, 'Providers');
    await settle(page);
    // the seeded mocks are listed with a status chip and their numbers
    await card('Mock Swift (fast, cheap)')
      .getByText(/Healthy|No data|Degraded|Down/)
      .first()
      .waitFor();

    await page.getByRole('button', { name: 'Add provider' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill(NAME);
    expect(await dialog.getByLabel('Slug').inputValue()).toBe(SLUG);
    await dialog.getByLabel('Base URL').fill(`${upstream.url}/v1`);
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('status')
      .filter({ hasText: `Added ${NAME}` })
      .waitFor();
    await card(NAME).getByText('Needs a platform key').waitFor();

    const { body } = await admin().get(`/api/v1/admin/providers/${SLUG}`).expect(200);
    expect(body).toMatchObject({
      kind: 'openai-compatible',
      baseUrl: `${upstream.url}/v1`,
      status: 'needs_key',
    });
  });

  it('sets its platform key (tested first), shows it masked, and tests the connection', async () => {
    await card(NAME).getByRole('link', { name: NAME }).click();
    await page.waitForURL(`**/admin/providers/${SLUG}`);
    await expectOneH1(page, NAME);

    await page.getByRole('button', { name: 'Set key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('New platform key', { exact: true }).fill(PLATFORM_KEY);
    await dialog.getByRole('button', { name: 'Test key' }).click();
    await dialog.getByText(/Connection works/).waitFor();
    await dialog.getByRole('button', { name: 'Save key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(`Platform key saved`).waitFor();
    expect(await page.content()).not.toContain(PLATFORM_KEY);

    await page.getByRole('button', { name: 'Test connection' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Connection works: HTTP 200 in \d+ ms/ })
      .waitFor();

    const { body } = await admin().get(`/api/v1/admin/providers/${SLUG}`).expect(200);
    expect(body.platformKey.last4).toBe(PLATFORM_KEY.slice(-4));
    expect(body.status).toBe('active');
  });

  it('edits its allowed paid parameters with the keyboard', async () => {
    const store = page.getByRole('checkbox', { name: 'Stored completions (store)' });
    await store.focus();
    await page.keyboard.press('Space');
    expect(await store.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const { body } = await admin().get(`/api/v1/admin/providers/${SLUG}`).expect(200);
    expect(body.allowedPaidParams).toEqual(['store']);
  });

  it('serves a model, then fails upstream and is shown degraded or down on /admin/providers', async () => {
    await admin()
      .post('/api/v1/admin/models')
      .send({
        provider: SLUG,
        model: MODEL,
        displayName: 'Browser model',
        prices: { inputPerMillionMicros: '1000', outputPerMillionMicros: '2000' },
        contextWindow: 8_000,
        maxOutputTokens: 1_000,
        capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
        quality: 0.5,
        powerLevels: ['eco', 'balanced', 'precision'],
      })
      .expect(201);
    const chat = () =>
      request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${gw.userKey}`)
        .send({ model: `${SLUG}/${MODEL}`, messages: [{ role: 'user', content: 'hi' }] });
    for (let i = 0; i < 3; i++) {
      const ok = await chat();
      expect(ok.status).toBe(200);
      expect(ok.headers['x-switchyard-provider']).toBe(SLUG);
    }
    upstream.failWith(503, 0);
    for (let i = 0; i < 6; i++) expect((await chat()).status).toBeGreaterThanOrEqual(500);

    await page.goto('/admin/providers');
    await expectOneH1(page, 'Providers');
    const chip = card(NAME).locator('gw-health-chip');
    // The health report is a read model: refresh until the failures have reached it.
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await settle(page);
        const text = (await chip.textContent()) ?? '';
        return /Degraded|Down/.test(text) ? text : undefined;
      },
      15_000,
      'the provider shown degraded or down',
      200,
    );
    const { body } = await admin().get('/api/v1/admin/providers/health?window=1h').expect(200);
    const mine = body.providers.find((p: { provider: string }) => p.provider === SLUG);
    expect(['degraded', 'down']).toContain(mine.status);
    expect(mine.requests).toBeGreaterThanOrEqual(9);

    await screenshot(page, 'admin-providers-desktop');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'admin-providers-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('its page charts the window and lists the degradation; the platform key is removed after confirming', async () => {
    await card(NAME).getByRole('link', { name: NAME }).click();
    await expectOneH1(page, NAME);
    await settle(page);
    await page.locator('gw-health-chart canvas').waitFor();
    await page.locator('.timeline').getByText('Degraded').first().waitFor();
    await page.getByRole('radio', { name: '1h, the last hour' }).click();
    await settle(page);
    await page.locator('gw-health-chart canvas').waitFor();

    await screenshot(page, 'admin-provider-desktop');
    expect(await seriousAxeViolations(page)).toEqual([]);
    // the portal scrolls inside its layout: show the numbers and the timeline below the chart too
    await page.locator('.timeline').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-provider-timeline-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.locator('gw-health-chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-provider-phone');
    await page.setViewportSize(VIEWPORTS.desktop);

    await page.getByRole('button', { name: 'Remove key' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText(PLATFORM_KEY.slice(-4)).waitFor();
    await confirm.getByRole('button', { name: 'Remove key' }).click();
    await page.getByText('Platform key removed.').waitFor();
    await page.getByRole('button', { name: 'Set key' }).waitFor();
    const { body } = await admin().get(`/api/v1/admin/providers/${SLUG}`).expect(200);
    expect(body.platformKey).toBeNull();
  });
});
