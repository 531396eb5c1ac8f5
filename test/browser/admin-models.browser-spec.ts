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
 * /admin/models in Debian's Chromium against the embedded gateway: the admin adds a model to a mock
 * provider through the dialog (prices in dollars), changes its input price and sees two price versions,
 * then disables it and the user's catalog stops listing it.
 */
const missing = browserSuiteMissing();
if (missing) console.warn(`admin models browser suite skipped: ${missing}`);

const PROVIDER = 'mock-swift';
const MODEL = 'lab/rocket-9'; // an id with a slash: the API takes it as %2F
const ID = `${PROVIDER}/${MODEL}`;
const NAME = 'Browser Rocket';
const ADMIN_PATH = `/api/v1/admin/models/${PROVIDER}/${encodeURIComponent(MODEL)}`;

(missing ? describe.skip : describe)('admin models in Chromium', () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  const api = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
  });
  const userCatalogIds = async (): Promise<string[]> =>
    (await api(gw.userKey).get('/api/v1/catalog/models').expect(200)).body.models.map(
      (m: { id: string }) => m.id,
    );
  const row = (): Locator => page.locator(`tr[data-model="${ID}"]`);
  const rowAction = async (name: RegExp): Promise<void> => {
    await row()
      .getByRole('button', { name: `Actions for ${NAME}` })
      .click();
    await page.getByRole('menuitem', { name }).click();
  };

  beforeAll(async () => {
    gw = await startTestGateway('pglite', { PORTAL_DIR });
    browser = await launchChromium();
    context = await newPortalContext(browser, gw.baseUrl);
    page = await context.newPage();
    problems = new PageProblems(page);
    await signIn(page, 'admin', gw.adminPassword, '/admin/models');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  afterEach(() => {
    expect(problems.take()).toEqual([]);
  });

  it('adds a model to a provider through the dialog; it is listed with its prices and served to users', async () => {
    await expectOneH1(page, 'Models');
    await settle(page);
    await page.getByRole('button', { name: 'Add model' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a model' });
    await dialog.getByRole('combobox', { name: 'Provider' }).click();
    await page.getByRole('option', { name: `(${PROVIDER})` }).click();
    await dialog.getByRole('textbox', { name: 'Model id' }).fill(MODEL);
    await dialog.getByRole('textbox', { name: 'Display name' }).fill(NAME);
    // Saving without prices says what is missing and sends nothing.
    await dialog.getByRole('button', { name: 'Add model' }).click();
    await dialog.getByText('Enter the input price.').waitFor();
    await dialog.getByRole('textbox', { name: 'Input', exact: true }).fill('1.25');
    await dialog.getByRole('textbox', { name: 'Output', exact: true }).fill('5');
    await dialog.getByRole('textbox', { name: 'Fee per request' }).fill('0.002');
    await dialog.getByRole('button', { name: 'Add model' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(`Added ${NAME}.`).waitFor();

    await page.getByRole('searchbox', { name: 'Search models' }).fill('rocket-9');
    await row().waitFor();
    const cells = await row().textContent();
    expect(cells).toContain('$1.25');
    expect(cells).toContain('$5.00');
    expect(cells).toContain('$0.002');
    expect(cells).toContain('Enabled');

    const saved = (await api(gw.adminKey).get(ADMIN_PATH).expect(200)).body;
    expect(saved.prices).toMatchObject({
      inputPerMillionMicros: '1250000',
      outputPerMillionMicros: '5000000',
      perRequestMicros: '2000',
    });
    expect(saved).toMatchObject({ enabled: true, routable: true, priceVersion: 1 });
    expect(await userCatalogIds()).toContain(ID);
  });

  it('changes its input price; the price history shows two versions, the new one marked current', async () => {
    await rowAction(/^Edit$/);
    const dialog = page.getByRole('dialog', { name: `Edit ${NAME}` });
    const input = dialog.getByRole('textbox', { name: 'Input', exact: true });
    expect(await input.inputValue()).toBe('1.25');
    await input.fill('1.5');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(`Saved ${NAME}.`).waitFor();
    await row().getByText('$1.50').waitFor();

    await rowAction(/Price history \(v2\)/);
    const history = page.getByRole('dialog', { name: `Price history: ${NAME}` });
    const versions = history.locator('table.history tbody tr');
    await versions.nth(1).waitFor();
    expect(await versions.count()).toBe(2);
    expect(await versions.nth(0).getAttribute('data-version')).toBe('2');
    expect(await versions.nth(0).textContent()).toMatch(/v2\s*current/);
    expect(await versions.nth(0).locator('.changed').first().textContent()).toContain('$1.50');
    expect(await versions.nth(1).textContent()).toContain('$1.25');
    expect(await versions.nth(0).textContent()).toContain('You');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-models-history-desktop');
    await history.getByRole('button', { name: 'Close' }).click();
    await history.waitFor({ state: 'detached' });

    const prices = (await api(gw.adminKey).get(`${ADMIN_PATH}/prices`).expect(200)).body.data;
    expect(prices.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(
      prices.map((v: { prices: { inputPerMillionMicros: string } }) => v.prices.inputPerMillionMicros),
    ).toEqual(['1250000', '1500000']);
  });

  it('disables it: the row says Disabled and the user catalog no longer lists it', async () => {
    await rowAction(/^Disable$/);
    await row().locator('.chip[data-status="disabled"]', { hasText: 'Disabled' }).waitFor();
    await page.getByText(`${NAME} is disabled.`).waitFor();
    const saved = (await api(gw.adminKey).get(ADMIN_PATH).expect(200)).body;
    expect(saved).toMatchObject({ enabled: false, routable: false });
    expect(await userCatalogIds()).not.toContain(ID);
  });

  it('has no serious axe violations and fits a phone; screenshots', async () => {
    // axe over the mock providers' rows (the same row template as every other; the full seeded table
    // of ~50 rows takes axe 15-50 s on a busy machine), then the full list for the screenshot.
    const search = page.getByRole('searchbox', { name: 'Search models' });
    await search.fill('mock');
    await page.getByText(/Showing \d+ of \d+ models/).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await search.fill('');
    await page.getByText(/^\d+ models$/).waitFor();
    await page.locator('.gw-table-scroll').evaluate((e) => e.scrollTo({ left: 0, top: 0 }));
    await screenshot(page, 'admin-models-desktop');

    await page.setViewportSize(VIEWPORTS.phone);
    await page.reload();
    await expectOneH1(page, 'Models');
    await settle(page);
    // Cards instead of the wide table; every model's actions are still reachable.
    await page.locator(`[data-model-card="${PROVIDER}/swift-mini"]`).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-models-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
  });
});
