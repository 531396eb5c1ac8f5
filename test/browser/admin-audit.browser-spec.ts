import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { corruptStoredEvent } from '../e2e/support/audit-tamper';
import { registerKeyOnlyProvider } from '../e2e/support/key-only-provider';
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
 * /admin/audit and /admin in Debian's Chromium against the embedded gateway: the admin finds the demo
 * user's key stream by name and sees it verified with who, when and from where; one stored event is
 * changed behind the store's back and the page shows the chain broken at that revision; the replay
 * exports as JSON; an auditor sees only the audit page; the overview's tiles show the gateway's numbers.
 */
const missing = browserSuiteMissing();
if (missing) console.warn(`admin audit browser suite skipped: ${missing}`);

const BYOK_KEY = `audit-browser-${randomBytes(16).toString('hex')}`;
const MODEL = 'audit-browser-model';
const USER_AGENT = 'audit-browser/1.0';
const AUDITOR = { username: 'auditor-ada', password: `pw-${randomBytes(12).toString('hex')}` };

(missing ? describe.skip : describe)('admin audit and overview in Chromium', () => {
  let gw: TestGateway;
  let upstream: MockProvider;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let streamId: string;

  const api = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) =>
      request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`).set('user-agent', USER_AGENT),
    patch: (path: string) =>
      request(gw.baseUrl).patch(path).set('authorization', `Bearer ${key}`).set('user-agent', USER_AGENT),
  });

  beforeAll(async () => {
    gw = await startTestGateway('pglite', { PORTAL_DIR, ALLOWED_UPSTREAM_HOSTS: '127.0.0.1' });
    upstream = await startMockProvider({ requireApiKey: BYOK_KEY, models: [MODEL] });
    await registerKeyOnlyProvider(gw.baseUrl, gw.adminKey, {
      slug: 'audit-browser',
      name: 'Audit Browser',
      upstreamUrl: upstream.url,
      model: MODEL,
      displayName: 'Audit browser model',
    });
    // The demo user adds a provider key (validated: KeyAdded, KeyValidated) and renames it.
    const added = await api(gw.userKey)
      .post('/api/v1/me/keys')
      .send({ provider: 'audit-browser', apiKey: BYOK_KEY, label: 'laptop' })
      .expect(201);
    await api(gw.userKey)
      .patch(`/api/v1/me/keys/${added.body.id as string}`)
      .send({ label: 'work laptop' })
      .expect(200);
    streamId = `keys-${gw.userId}`;
    await api(gw.adminKey)
      .post('/api/v1/admin/users')
      .send({ name: 'Ada Auditor', tier: 'free', roles: ['auditor'], ...AUDITOR })
      .expect(201);
    for (let i = 0; i < 3; i += 1)
      await api(gw.userKey)
        .post('/v1/chat/completions')
        .send({ model: 'mock-swift/swift-mini', messages: [{ role: 'user', content: `hello ${i}` }] })
        .expect(200);
    await gw.waitForProjections();
    browser = await launchChromium();
    context = await newPortalContext(browser, gw.baseUrl);
    page = await context.newPage();
    problems = new PageProblems(page);
    await signIn(page, 'admin', gw.adminPassword, '/admin/audit');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await upstream?.close();
    await gw?.close();
  });

  afterEach(() => {
    expect(problems.take()).toEqual([]);
  });

  it("finds the demo user's key stream by name and shows it verified, with who, when, from where", async () => {
    await expectOneH1(page, 'Audit');
    await settle(page);
    await page.getByLabel('Search streams').focus();
    await page.keyboard.type('Demo');
    const result = page.getByRole('button', { name: new RegExp(streamId) });
    await result.waitFor();
    await result.press('Enter');
    await page.waitForURL(`**/admin/audit?stream=${streamId}`);
    await page.getByText('Verified: 3 events, chain intact').waitFor();

    const replay = (await api(gw.adminKey).get(`/api/v1/audit/streams/${streamId}`).expect(200)).body as {
      events: Array<{ type: string; metadata: { correlationId: string } }>;
      chain: { verified: boolean };
    };
    expect(replay.chain.verified).toBe(true);
    const rows = page.locator('tr.event');
    expect(await rows.count()).toBe(3);
    for (const [i, e] of replay.events.entries()) {
      const row = rows.nth(i);
      expect(await row.textContent()).toContain(e.type);
      expect(await row.textContent()).toContain(e.metadata.correlationId);
      expect(await row.textContent()).toContain('127.0.0.1');
      expect(await row.textContent()).toContain(USER_AGENT);
      expect(await row.textContent()).toContain(gw.userId);
    }
    await rows
      .nth(0)
      .getByRole('button', { name: /Show data/ })
      .click();
    await page.locator('#audit-data-0 pre').first().waitFor();
    expect(await page.content()).not.toContain(BYOK_KEY);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-audit-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await overflowsHorizontally(page)).toBe(false);
    // The portal scrolls inside its layout, so a screenshot shows what is scrolled into view: the events.
    await page.getByText('Verified: 3 events, chain intact').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-audit-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('shows the chain broken at the revision that was changed in the database, highlighted and focused', async () => {
    await corruptStoredEvent(gw, streamId, 1);
    const after = await api(gw.adminKey).get(`/api/v1/audit/streams/${streamId}`).expect(200);
    expect(after.body.chain.firstBreak).toEqual({ revision: 1, reason: 'hash_mismatch' });

    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Broken at revision 1' }).waitFor();
    const broken = page.locator('tr.event.broken');
    expect(await broken.count()).toBe(1);
    expect(await broken.getAttribute('id')).toBe('audit-event-1');
    expect(await broken.textContent()).toContain('First broken link');
    await page.waitForFunction(() => document.activeElement?.id === 'audit-event-1');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-audit-broken-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await overflowsHorizontally(page)).toBe(false);
    await broken.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-audit-broken-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('exports the replay as JSON: every event and the verdict, no key', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`audit-${streamId}.json`);
    const text = await readFile((await download.path())!, 'utf8');
    const exported = JSON.parse(text) as {
      streamId: string;
      events: Array<{ revision: number; type: string; data: Record<string, unknown> }>;
      chain: { firstBreak: { revision: number } | null };
    };
    expect(exported.streamId).toBe(streamId);
    expect(exported.events.map((e) => e.type)).toEqual(['KeyAdded', 'KeyValidated', 'KeyLabelChanged']);
    expect(exported.events[1]!.data).toMatchObject({ tamperedWith: true });
    expect(exported.chain.firstBreak).toMatchObject({ revision: 1 });
    expect(text).not.toContain(BYOK_KEY);
  });

  it('shows the overview tiles with the gateway’s numbers, each a link to its page', async () => {
    await page.goto('/admin');
    await expectOneH1(page, 'Admin overview');
    await settle(page);
    const overview = (await api(gw.adminKey).get('/api/v1/admin/overview').expect(200)).body as {
      today: { requests: number; chargedMicros: string };
      providers: { total: number };
    };
    expect(overview.today.requests).toBe(3);
    // Under a cent the tile shows micro-dollars (so a few cheap requests do not read $0.00).
    const charged = Number(overview.today.chargedMicros);
    expect(charged).toBeGreaterThan(0);
    expect(await page.locator('a[data-tile="spend"] .value').textContent()).toContain(
      `$${(charged / 1_000_000).toFixed(charged < 10_000 ? 6 : 2)}`,
    );
    const requests = page.locator('a[data-tile="requests"]');
    expect(await requests.locator('.value').textContent()).toContain('3');
    expect(await requests.textContent()).toContain('0 yesterday');
    expect(await page.locator('a[data-tile="providers"]').textContent()).toContain(
      `of ${overview.providers.total}`,
    );
    expect(await page.locator('a[data-tile="fallback"]').textContent()).toContain('0 of 3 requests');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-overview-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'admin-overview-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.locator('a[data-tile="providers"]').click();
    await page.waitForURL('**/admin/providers');
  });

  it('an auditor sees only the audit page in the navigation and “Not allowed” on an admin page', async () => {
    const auditorContext = await newPortalContext(browser, gw.baseUrl);
    const auditor = await auditorContext.newPage();
    const auditorProblems = new PageProblems(auditor);
    try {
      await signIn(auditor, AUDITOR.username, AUDITOR.password);
      await auditor.waitForURL('**/admin/audit');
      await expectOneH1(auditor, 'Audit');
      const links = auditor.getByRole('navigation').getByRole('link');
      await links.first().waitFor();
      expect(await links.count()).toBe(1);
      await auditor.getByRole('navigation').getByRole('link', { name: 'Audit', exact: true }).waitFor();
      await auditor.goto('/admin/providers');
      await expectOneH1(auditor, 'Not allowed');
      expect(auditorProblems.take()).toEqual([]);
    } finally {
      await auditorContext.close();
    }
  });
});
