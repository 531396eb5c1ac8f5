import request from 'supertest';
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
  screenshot,
  seriousAxeViolations,
  settle,
  signIn,
  VIEWPORTS,
} from './support/portal-browser';

/**
 * /admin/routing in Debian's Chromium against the embedded gateway (mock catalog): the admin moves a
 * weight with the keyboard, the preview reorders, the policy is saved, and a chat request at that
 * power level goes to the preview's first model; a save over someone else's change shows the conflict.
 */
const missing = browserSuiteMissing();
if (missing) console.warn(`admin routing browser suite skipped: ${missing}`);

(missing ? describe.skip : describe)('admin routing policy in Chromium', () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  const policy = () =>
    request(gw.baseUrl).get('/api/v1/admin/routing/policy').set('authorization', `Bearer ${gw.adminKey}`);
  /** The precision preview's first candidate, when it is `modelId` (a locator to wait for). */
  const precisionLeader = (modelId: string) =>
    page.locator(`ol[data-level="precision"] > li:first-child[data-model-id="${modelId}"]`);
  const precisionFirst = () =>
    page.locator('ol[data-level="precision"] > li').first().getAttribute('data-model-id');

  beforeAll(async () => {
    gw = await startTestGateway('pglite', { PORTAL_DIR });
    browser = await launchChromium();
    context = await newPortalContext(browser, gw.baseUrl);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    problems = new PageProblems(page);
    await signIn(page, 'admin', gw.adminPassword, '/admin/routing');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  afterEach(() => {
    expect(problems.take()).toEqual([]);
  });

  it('moves a weight with the keyboard, previews the new order, saves it, and chat follows the preview', async () => {
    await expectOneH1(page, 'Routing policy');
    await settle(page);
    // Saved policy: precision weighs quality 0.6, so the best model leads.
    await precisionLeader('mock-sage/sage-large').waitFor();

    await page.getByRole('tab', { name: 'Precision' }).click();
    const cost = page.getByRole('slider', { name: 'Cost weight' });
    await cost.focus();
    await cost.press('End'); // cost 1: latency and quality rescale to 0
    await page.getByText('Unsaved changes', { exact: true }).waitFor();
    expect(await page.getByRole('slider', { name: 'Quality weight' }).inputValue()).toBe('0');
    // The preview re-ranks the draft: the cheapest precision model now leads, moved up from the saved order.
    await precisionLeader('mock-sage/sage-medium').waitFor();
    const first = page.locator('ol[data-level="precision"] > li').first();
    expect(await first.textContent()).toContain('up');

    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Routing policy saved: version 1').waitFor();
    const saved = await policy().expect(200);
    expect(saved.body.version).toBe(1);
    expect(saved.body.levels.precision.strategy).toBe('custom');
    expect(saved.body.levels.precision.weights).toEqual({ cost: 1, latency: 0, quality: 0 });
    await page.getByText('Unsaved changes', { exact: true }).waitFor({ state: 'detached' });
    await settle(page);

    // A client asking for the precision level now gets the preview's first model.
    const top = await precisionFirst();
    const chat = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .set('x-power-level', 'precision')
      .send({
        model: 'auto',
        messages: [{ role: 'user', content: 'Hello! Can you help me with a short question?' }],
      })
      .expect(200);
    expect(chat.headers['x-switchyard-model']).toBe(top);
    expect(chat.body.model).toBe(top);
  });

  it('a save over someone else’s change shows the conflict and Reload shows their version; axe and screenshots', async () => {
    await page.getByRole('tab', { name: 'Eco' }).click();
    const latency = page.getByLabel('Latency bound (ms)');
    await latency.fill('8000');
    await latency.press('Tab');
    await page.getByText('Unsaved changes', { exact: true }).waitFor();

    // Someone else saves in between (If-Match of the version this page loaded).
    const current = await policy().expect(200);
    const theirs = structuredClone(current.body);
    delete theirs.version;
    theirs.maxAttempts = 2;
    await request(gw.baseUrl)
      .put('/api/v1/admin/routing/policy')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .set('if-match', current.headers.etag as string)
      .send(theirs)
      .expect(200);

    problems.allow(/HTTP 412: PUT .*\/api\/v1\/admin\/routing\/policy/);
    problems.allow(/status of 412 \(Precondition Failed\)/);
    await page.getByRole('button', { name: 'Save policy' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Someone else changed the policy' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('now version 2');
    // Nothing of ours was written.
    expect((await policy().expect(200)).body.levels.eco.latencyBoundMs).toBe(10_000);
    await screenshot(page, 'admin-routing-conflict');

    await page.getByRole('button', { name: 'Reload' }).click();
    await alert.waitFor({ state: 'detached' });
    await page.getByText('Version 2', { exact: true }).first().waitFor();
    expect(await page.getByLabel('Max attempts').inputValue()).toBe('2');
    await settle(page);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-routing-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    await settle(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'admin-routing-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  it('sets a latency cap, a use case with its chain, balancing with a weight and a provider limit, with the keyboard; saved and reloaded', async () => {
    await page.getByRole('tab', { name: 'Precision' }).click();
    const cap = page.getByLabel('Latency cap (ms)');
    expect(await cap.inputValue()).toBe('2000');
    await cap.fill('1500');
    await cap.press('Tab');
    await page.getByText('Unsaved changes', { exact: true }).waitFor();

    // A use case: named with Enter, two catalog models added with Enter, the second moved up by keyboard.
    const name = page.getByLabel('New use case name');
    await name.fill('Code');
    await name.press('Enter');
    await page.getByText('Use 1–40 lowercase letters').waitFor();
    await name.fill('code');
    await name.press('Enter');
    const useCase = page.locator('[data-use-case="code"]');
    await useCase.getByText('Add at least one model').waitFor();
    expect(await page.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(true);
    const addModel = useCase.getByRole('combobox', { name: 'Add a model' });
    // The new use case's model field has the focus.
    expect(await addModel.evaluate((el) => el === document.activeElement)).toBe(true);
    await addModel.pressSequentially('openai/none');
    await addModel.press('Enter');
    await useCase.getByText('"openai/none" is not a model in the catalog.').waitFor();
    for (const id of ['mock-sage/sage-large', 'mock-sage/sage-medium']) {
      await addModel.fill(id);
      await addModel.press('Enter');
      await useCase.locator(`li[data-model-id="${id}"]`).waitFor();
    }
    await useCase.getByRole('button', { name: 'Move mock-sage/sage-medium up' }).focus();
    await page.keyboard.press('Enter');
    await useCase
      .locator('li')
      .first()
      .and(useCase.locator('[data-model-id="mock-sage/sage-medium"]'))
      .waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Move mock-sage/sage-medium down',
    );

    // Balancing: the switch with the keyboard, a provider weight.
    const share = page.getByRole('switch', { name: 'Share traffic among the top-scoring candidates' });
    await share.focus();
    await page.keyboard.press('Space');
    await share.and(page.locator('[aria-checked="true"]')).waitFor();
    const weightKey = page.getByRole('combobox', { name: 'Model or provider' });
    await weightKey.fill('mock-sage');
    await weightKey.press('Escape');
    await page.getByLabel('Weight', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Add weight' }).click();
    expect(await page.getByRole('spinbutton', { name: 'Weight of mock-sage' }).inputValue()).toBe('3');

    // A provider limit.
    const add = page.getByRole('group', { name: 'Add a limit' });
    await add.getByRole('combobox', { name: 'Provider' }).fill('mock-swift');
    await add.getByRole('combobox', { name: 'Provider' }).press('Escape');
    await add.getByLabel('Requests per minute').fill('600');
    await add.getByRole('button', { name: 'Add limit' }).click();
    const swift = page.getByRole('group', { name: 'mock-swift' });
    expect(await swift.getByLabel('Requests per minute').inputValue()).toBe('600');

    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Routing policy saved: version 3').waitFor();
    const saved = (await policy().expect(200)).body;
    expect(saved.levels.precision.latencyCapMs).toBe(1500);
    expect(saved.levels.eco.latencyCapMs).toBe(10_000);
    expect(saved.useCases).toEqual({ code: ['mock-sage/sage-medium', 'mock-sage/sage-large'] });
    expect(saved.balancing).toEqual({ enabled: true, bandPercent: 2, weights: { 'mock-sage': 3 } });
    expect(saved.providerLimits).toEqual({ 'mock-swift': { rpm: 600 } });

    await page.reload();
    await expectOneH1(page, 'Routing policy');
    await page.getByText('Version 3', { exact: true }).first().waitFor();
    await page.getByRole('tab', { name: 'Precision' }).click();
    expect(await page.getByLabel('Latency cap (ms)').inputValue()).toBe('1500');
    expect(
      await page
        .locator('[data-use-case="code"] li')
        .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-model-id'))),
    ).toEqual(['mock-sage/sage-medium', 'mock-sage/sage-large']);
    expect(await share.getAttribute('aria-checked')).toBe('true');
    expect(await page.getByRole('spinbutton', { name: 'Weight of mock-sage' }).inputValue()).toBe('3');
    expect(await swift.getByLabel('Requests per minute').inputValue()).toBe('600');
    await page.getByText('Unsaved changes', { exact: true }).waitFor({ state: 'detached' });
    await settle(page);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-routing-depth-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    await settle(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'admin-routing-depth-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
  });
});
