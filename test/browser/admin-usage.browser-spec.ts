import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
 * /admin/usage in Debian's Chromium against the embedded gateway: the demo user and a second user send
 * chat requests; the admin sees both among the top spenders with the charge and margin the API gives,
 * the charts drawn, and downloads a CSV export whose rows are the requests the API lists.
 */
const missing = browserSuiteMissing();
if (missing) console.warn(`admin usage browser suite skipped: ${missing}`);

interface ByUserRow {
  userId: string;
  name: string | null;
  requests: number;
  chargedMicros: string;
  providerCostMicros: string;
  marginMicros: string;
}

/** Money as the portal shows it (MoneyPipe with spendDigits): cents from a cent up, micro-dollars below. */
function shown(micros: string): string {
  const value = BigInt(micros);
  const abs = value < 0n ? -value : value;
  const digits = value === 0n || abs >= 10_000n ? 2 : 6;
  const scale = 10n ** BigInt(6 - digits);
  const rounded = (abs + scale / 2n) / scale;
  const unit = 10n ** BigInt(digits);
  const whole = (rounded / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0n ? '-' : ''}$${whole}.${(rounded % unit).toString().padStart(digits, '0')}`;
}

(missing ? describe.skip : describe)('admin usage in Chromium', () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let second: { id: string; name: string; apiKey: string };

  const admin = (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${gw.adminKey}`);

  const chat = async (key: string): Promise<void> => {
    await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: `Hello ${randomUUID()}` }] })
      .expect(200);
  };

  beforeAll(async () => {
    gw = await startTestGateway('pglite', { PORTAL_DIR });
    const name = `Grace ${randomUUID().slice(0, 6)}`;
    const created = await request(gw.baseUrl)
      .post('/api/v1/admin/users')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send({ name, tier: 'professional' })
      .expect(201);
    const key = await request(gw.baseUrl)
      .post(`/api/v1/admin/users/${created.body.id}/api-keys`)
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send({ name: 'browser' })
      .expect(201);
    second = { id: created.body.id as string, name, apiKey: key.body.apiKey as string };
    for (let i = 0; i < 2; i++) await chat(gw.userKey);
    for (let i = 0; i < 3; i++) await chat(second.apiKey);
    await eventually(
      async () => ((await admin('/api/v1/admin/usage/summary')).body.requests === 5 ? true : undefined),
      20_000,
      'the five requests in the admin summary',
    );
    browser = await launchChromium();
    context = await newPortalContext(browser, gw.baseUrl);
    page = await context.newPage();
    problems = new PageProblems(page);
    await signIn(page, 'admin', gw.adminPassword, '/admin/usage');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  afterEach(() => {
    expect(problems.take()).toEqual([]);
  });

  it('shows both users among the top spenders with the charge, cost and margin the API gives', async () => {
    await expectOneH1(page, 'All usage');
    await settle(page);
    const api = (await admin('/api/v1/admin/usage/by-user?from=' + daysAgo(7)).expect(200)).body as {
      data: ByUserRow[];
    };
    expect(api.data.map((r) => r.userId).sort()).toEqual([gw.userId, second.id].sort());
    const table = page.locator('gw-top-spenders table');
    for (const row of api.data) {
      const tr = table.locator(`tbody tr[data-user-id="${row.userId}"]`);
      const cells = tr.locator('td, th');
      expect((await cells.nth(2).textContent())?.trim()).toBe(String(row.requests));
      expect((await cells.nth(4).textContent())?.trim()).toBe(shown(row.chargedMicros));
      expect((await cells.nth(6).textContent())?.trim()).toBe(shown(row.providerCostMicros));
      expect((await cells.nth(7).textContent())?.trim()).toBe(shown(row.marginMicros));
      expect(BigInt(row.marginMicros)).toBe(BigInt(row.chargedMicros) - BigInt(row.providerCostMicros));
    }
    // most charged first, as the API orders them
    const order = await table
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((t) => t.getAttribute('data-user-id')));
    expect(order).toEqual(api.data.map((r) => r.userId));
    // the name links to the user's admin page
    const link = table.getByRole('link', { name: second.name });
    expect(await link.getAttribute('href')).toBe(`/admin/users/${second.id}`);

    // tiles from the summary, both charts drawn
    const tiles = page.getByRole('list', { name: 'Totals in this range' });
    await tiles.getByText('Margin', { exact: true }).waitFor();
    expect(
      await tiles.locator('li').filter({ hasText: 'Requests' }).locator('.kpi-value').textContent(),
    ).toBe('5');
    expect(await page.locator('gw-usage-series canvas').count()).toBe(1);
    expect(await page.locator('gw-cost-charge-chart canvas').count()).toBe(1);
    expect(await page.locator('gw-cost-charge-chart canvas').getAttribute('aria-label')).toMatch(
      /^Charged and provider cost per hour/,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-usage-desktop');
    // the shell scrolls its content pane, so a full-page shot ends at the fold: the table's own shot
    await page.getByRole('heading', { name: 'Top spenders' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-usage-spenders-desktop');
  });

  it('downloads a CSV of every user’s requests whose rows are the ones the API lists', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^usage-.*\.csv$/);
    const text = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const [header, ...lines] = text.trim().split('\r\n');
    const columns = header!.split(',');
    const rows = lines.map((l) => l.split(','));
    const at = (name: string) => columns.indexOf(name);
    await page.getByText(`Downloaded ${download.suggestedFilename()}.`).waitFor();

    const listed = (await admin('/api/v1/admin/usage/requests?limit=100&from=' + daysAgo(7)).expect(200))
      .body as { data: { requestId: string; userId: string; chargedMicros: string }[] };
    expect(rows.map((r) => r[at('request_id')]).sort()).toEqual(listed.data.map((r) => r.requestId).sort());
    expect(rows.filter((r) => r[at('user_id')] === second.id)).toHaveLength(3);
    expect(rows.filter((r) => r[at('user_id')] === gw.userId)).toHaveLength(2);
  });

  it('fits a 360 px phone', async () => {
    await page.setViewportSize(VIEWPORTS.phone);
    await page.locator('gw-top-spenders table').waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-usage-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
  });
});

/** The start of the page's default range (7 days, from UTC midnight six days ago). */
function daysAgo(days: number): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return new Date(d.getTime() - (days - 1) * 86_400_000).toISOString();
}
