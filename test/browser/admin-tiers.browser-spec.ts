import request from 'supertest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
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
 * /admin/tiers in Debian's Chromium against the embedded gateway (the product's rate limits, not the
 * suites' lifted ones): the admin lowers the demo user's tier's requests per minute and the demo user
 * gets 429 past it; sign-up credits and a tier markup change and the billing history grows; a save
 * over someone else's change shows the conflict and the other version.
 */
const missing = browserSuiteMissing();
if (missing) console.warn(`admin tiers browser suite skipped: ${missing}`);

const TIER_LABELS: Record<string, string> = {
  free: 'Free',
  starter: 'Starter',
  professional: 'Professional',
  enterprise: 'Enterprise',
};

(missing ? describe.skip : describe)('admin tiers and billing in Chromium', () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  const api = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
  });
  const chat = () =>
    request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
  const card = (name: string): Locator => page.locator(name);
  const historyEntries = (c: Locator): Locator => c.locator('.history > li');

  beforeAll(async () => {
    gw = await startTestGateway('pglite', { PORTAL_DIR }, { rateLimits: 'defaults' });
    browser = await launchChromium();
    context = await newPortalContext(browser, gw.baseUrl);
    page = await context.newPage();
    problems = new PageProblems(page);
    await signIn(page, 'admin', gw.adminPassword, '/admin/tiers');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  afterEach(() => {
    expect(problems.take()).toEqual([]);
  });

  it("lowers the demo user's tier's requests per minute; the API shows the new version and the user gets 429 past it", async () => {
    const tier: string = (await api(gw.userKey).get('/api/v1/me').expect(200)).body.tier;
    await expectOneH1(page, 'Tiers and billing');
    await settle(page);
    const limits = card('gw-rate-limits-card');
    await limits.getByText('Version 0', { exact: true }).waitFor();
    const rpm = limits.getByRole('group', { name: TIER_LABELS[tier] }).getByLabel('Requests per minute');
    const before = Number(await rpm.inputValue());
    expect(before).toBeGreaterThan(2);

    await rpm.fill('2.5');
    await rpm.press('Tab');
    await limits.getByText('A whole number, or empty for unlimited.').waitFor();
    await rpm.fill('2');
    await rpm.press('Tab');
    await limits.getByText('Unsaved changes').waitFor();
    await limits.getByRole('button', { name: 'Save rate limits' }).click();
    await limits.getByText('Saved the rate limits as version 1.').waitFor();
    await limits.locator('.version-line').getByText('Version 1', { exact: true }).waitFor();
    await limits
      .locator('.version-line')
      .getByText(/changed by/)
      .waitFor();
    expect(await historyEntries(limits).count()).toBe(2); // version 1 and the defaults
    expect(await historyEntries(limits).first().textContent()).toContain(
      `${TIER_LABELS[tier]} requests/min: ${before.toLocaleString('en-US')} → 2`,
    );

    const saved = await api(gw.adminKey).get('/api/v1/admin/limits').expect(200);
    expect(saved.body.version).toBe(1);
    expect(saved.body.tiers[tier].rpm).toBe(2);
    const history = await api(gw.adminKey).get('/api/v1/admin/limits/history').expect(200);
    expect(history.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 0]);

    // It applies: two requests pass, the third within the minute is refused.
    expect((await chat()).status).toBe(200);
    expect((await chat()).status).toBe(200);
    const refused = await chat();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();

    await limits.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-tiers-rate-limits-desktop');
  });

  it('changes the sign-up credits, then a tier markup: the billing history grows and the API has exact micro-dollars', async () => {
    const billing = card('gw-billing-policy-card');
    await billing.getByText('No changes yet: version 0 is the product defaults.').waitFor();

    const signup = billing.getByLabel('Sign-up credits');
    await signup.fill('7.25');
    await billing.getByRole('button', { name: 'Save billing policy' }).click();
    await billing.getByText('Saved the billing policy as version 1.').waitFor();
    expect(await historyEntries(billing).count()).toBe(2);
    expect(await historyEntries(billing).first().textContent()).toContain('Sign-up credits: $5.00 → $7.25');
    let policy = (await api(gw.adminKey).get('/api/v1/admin/billing/policy').expect(200)).body;
    expect(policy).toMatchObject({ version: 1, signupCreditsMicros: '7250000' });

    const markup = billing.getByLabel('Starter markup');
    const oldMarkup = await markup.inputValue();
    await markup.fill('12.5');
    await markup.press('Enter'); // submits the form, like the button
    await billing.getByText('Saved the billing policy as version 2.').waitFor();
    await billing.locator('.version-line').getByText('Version 2', { exact: true }).waitFor();
    expect(await historyEntries(billing).count()).toBe(3);
    expect(await historyEntries(billing).first().textContent()).toContain(
      `Starter markup: ${oldMarkup} % → 12.5 %`,
    );
    policy = (await api(gw.adminKey).get('/api/v1/admin/billing/policy').expect(200)).body;
    expect(policy.version).toBe(2);
    expect(policy.tierMarkupBps.starter).toBe(1250);
    expect(policy.signupCreditsMicros).toBe('7250000');
    const history = (await api(gw.adminKey).get('/api/v1/admin/billing/policy/history').expect(200)).body;
    expect(history.versions.map((v: { version: number }) => v.version)).toEqual([2, 1, 0]);
  });

  it('a save over someone else’s change says so, keeps their version and shows it; axe and screenshots', async () => {
    const billing = card('gw-billing-policy-card');
    await billing.getByLabel('Sign-up credits').fill('1');
    // Someone else saves version 3 meanwhile.
    await api(gw.adminKey)
      .put('/api/v1/admin/billing/policy')
      .set('if-match', '"2"')
      .send({ byokFeeBps: 900 })
      .expect(200);

    problems.allow(/HTTP 412: PUT .*\/api\/v1\/admin\/billing\/policy/);
    problems.allow(/Failed to load resource: the server responded with a status of 412/);
    await billing.getByRole('button', { name: 'Save billing policy' }).click();
    const alert = billing.getByRole('alert').filter({ hasText: 'Someone else changed the billing policy' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('now version 3');
    expect(await billing.getByLabel('BYOK fee').inputValue()).toBe('9');
    expect(await billing.getByLabel('Sign-up credits').inputValue()).toBe('7.25');
    expect(await historyEntries(billing).count()).toBe(4);
    const policy = (await api(gw.adminKey).get('/api/v1/admin/billing/policy').expect(200)).body;
    expect(policy).toMatchObject({ version: 3, byokFeeBps: 900, signupCreditsMicros: '7250000' });
    await alert.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-tiers-billing-conflict');

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
    await settle(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-tiers-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    await settle(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-tiers-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
  });
});
