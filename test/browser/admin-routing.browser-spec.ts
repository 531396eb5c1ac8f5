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
  SCREENSHOTS,
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
    const cap = page.getByRole('tabpanel', { name: 'Precision' }).getByLabel('Latency cap (ms)');
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

  it('the admin changes a weight, sees the what-if for the last 7 days, saves, and the next requests follow; the explanation shows the bonus, chain and balancing', async () => {
    // Traffic before the change: precision requests (cost weight 1 since the first test: sage-medium).
    const chat = (headers: Record<string, string> = {}) =>
      request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${gw.adminKey}`)
        .set('x-power-level', 'precision')
        .set(headers)
        .send({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France?' }] })
        .expect(200);
    const servedBefore = new Map<string, number>();
    for (let i = 0; i < 4; i++) {
      const served = (await chat()).headers['x-switchyard-model'] as string;
      servedBefore.set(served, (servedBefore.get(served) ?? 0) + 1);
    }
    await gw.waitForProjections();

    // The change: precision weighs quality alone, prefers mock-atlas, and shares traffic within 10 %.
    await page.getByRole('tab', { name: 'Precision' }).click();
    const quality = page.getByRole('slider', { name: 'Quality weight' });
    await quality.focus();
    await quality.press('End');
    await page.getByText('Unsaved changes', { exact: true }).waitFor();
    const precisionPanel = page.getByRole('tabpanel', { name: 'Precision' });
    await precisionPanel.getByRole('option', { name: 'mock-atlas' }).click();
    const band = page.getByLabel('Score band (%)');
    await band.fill('10');
    await band.press('Tab');

    // What if: the last 7 days (the default range) replayed under the draft.
    const panel = page.locator('gw-what-if-panel');
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/admin/routing/what-if') && r.request().method() === 'POST',
    );
    await panel.getByRole('button', { name: 'Run what-if' }).click();
    const job = (await (await answered).json()) as {
      status: string;
      result: {
        requests: number;
        before: { byModel: { key: string; requests: number }[] };
        after: { byModel: { key: string; requests: number }[] };
        changed: { model: number; noCandidate: number };
      };
    };
    expect(job.status).toBe('done');
    // Five precision requests: the first test's and these four, replayed as they were served…
    expect(job.result.requests).toBe(5);
    for (const [model, n] of servedBefore)
      expect(job.result.before.byModel.find((r) => r.key === model)?.requests).toBeGreaterThanOrEqual(n);
    // …and under the draft only the two best-quality models (atlas-1 with its preference bonus) share them.
    for (const r of job.result.after.byModel)
      expect(['mock-sage/sage-large', 'mock-atlas/atlas-1']).toContain(r.key);
    expect(job.result.changed.noCandidate).toBe(0);

    // The panel shows those numbers.
    const result = panel.getByRole('region', { name: 'What-if result' });
    await result.waitFor();
    const summary = (await result.locator('.summary').innerText()).replace(/\s+/g, ' ');
    expect(summary).toMatch(/^5 requests from /);
    const changed = (await result.locator('.changed').innerText()).replace(/\s+/g, ' ');
    expect(changed).toContain(`${job.result.changed.model} would get another model`);
    expect(changed).toContain('0 could not be served by any model');
    // Provider rows read "as served → under the draft".
    const providers = await result
      .getByRole('region', { name: 'Requests and charge by provider' })
      .locator('tbody tr td:nth-child(2)')
      .evaluateAll((cells) =>
        cells.map((c) => (c.textContent ?? '').split('→').map((n) => Number(n.trim()))),
      );
    expect(providers.reduce((n, [before]) => n + before!, 0)).toBe(5);
    expect(providers.reduce((n, [, after]) => n + after!, 0)).toBe(5);
    // A changed request with both explanations: as recorded, and the draft's balancing draw.
    const changedCount = job.result.changed.model + job.result.changed.noCandidate;
    expect(await result.getByText(/^Changed requests/).innerText()).toBe(
      `Changed requests (${changedCount} of ${changedCount} shown)`,
    );
    await result.getByText(/^Changed requests/).click();
    const first = result.locator('.sample li').first();
    expect((await first.locator('dd').nth(1).innerText()).replace(/\s+/g, ' ')).toMatch(
      /^mock-(sage\/sage-large|atlas\/atlas-1) .* \(balancing drew mock-\S+ among 2 within 10%\)$/,
    );
    await result.screenshot({ path: `${SCREENSHOTS}/admin-routing-what-if-panel.png` });
    await settle(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-routing-what-if-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    await settle(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-routing-what-if-phone');
    await page.setViewportSize(VIEWPORTS.desktop);

    // Save from the panel: the draft that was replayed.
    await panel.getByRole('button', { name: 'Save this policy' }).click();
    await page.getByText('Routing policy saved: version 4').waitFor();
    const saved = (await policy().expect(200)).body;
    expect(saved.levels.precision.weights).toEqual({ cost: 0, latency: 0, quality: 1 });
    expect(saved.levels.precision.preferredProviders).toContain('mock-atlas');
    expect(saved.balancing.bandPercent).toBe(10);

    // The next request follows the new policy: drawn between sage-large and atlas-1 (no longer sage-medium).
    const next = await chat();
    const model = next.headers['x-switchyard-model'] as string;
    expect(['mock-sage/sage-large', 'mock-atlas/atlas-1']).toContain(model);
    await page.goto(`/app/requests/${next.headers['x-switchyard-request-id'] as string}`);
    const balancing = page.getByTestId('balancing');
    await balancing.waitFor();
    expect(await balancing.innerText()).toContain(`drew ${model} to try first`);
    const atlasRow = page.getByRole('row').filter({ hasText: 'mock-atlas/atlas-1' });
    expect(await atlasRow.innerText()).toContain('+0.050 preference');
    await settle(page);
    await screenshot(page, 'admin-routing-walk-balancing');

    // A use case's chain pins the order: the explanation says which chain applied.
    const coded = await chat({ 'x-switchyard-use-case': 'code' });
    expect(coded.headers['x-switchyard-model']).toBe('mock-sage/sage-medium');
    await page.goto(`/app/requests/${coded.headers['x-switchyard-request-id'] as string}`);
    const chain = page.getByTestId('chain');
    await chain.waitFor();
    expect(await chain.innerText()).toContain('code');
    // The chain's models in its order; no balancing draw when a chain applies.
    expect(await page.getByRole('row').nth(1).innerText()).toContain('mock-sage/sage-medium');
    await page.getByText('No load balancing: the best candidate was tried first.').waitFor();
    await settle(page);
    await screenshot(page, 'admin-routing-walk-chain');
  });

  it("/app/settings says what the caller's last 30 days would have cost at each other level", async () => {
    // The admin's own requests of the walk above: six at precision.
    await page.goto('/app/settings');
    await expectOneH1(page, 'Settings');
    const eco = page.locator('#level-eco-about .past');
    await eco.waitFor();
    const view = (
      await request(gw.baseUrl)
        .get('/api/v1/me/what-if?powerLevel=eco&days=30')
        .set('authorization', `Bearer ${gw.adminKey}`)
        .expect(200)
    ).body as { requests: number; actualChargeMicros: string; wouldChargeMicros: string };
    expect(view.requests).toBe(6);
    // Eco serves from the cheaper models: it would have cost less than precision did.
    expect(BigInt(view.wouldChargeMicros)).toBeLessThan(BigInt(view.actualChargeMicros));
    // Both amounts at one scale: 4 decimals when both reach a cent, else 6.
    const digits = [view.wouldChargeMicros, view.actualChargeMicros].every((m) => BigInt(m) >= 10_000n)
      ? 4
      : 6;
    const dollars = (micros: string) => `$${(Number(micros) / 1e6).toFixed(digits)}`;
    expect((await eco.innerText()).replace(/\s+/g, ' ')).toBe(
      `Your last 30 days (6 requests) at Eco would have cost ${dollars(view.wouldChargeMicros)} instead of ${dollars(view.actualChargeMicros)}.`,
    );
    await settle(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'settings-what-if-desktop');
    await page.setViewportSize(VIEWPORTS.phone);
    await settle(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'settings-what-if-phone');
    await page.setViewportSize(VIEWPORTS.desktop);
  });
});
