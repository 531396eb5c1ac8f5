import type { Browser, Page } from 'playwright-core';
import { startLocalOidcIssuer, type LocalOidcIssuer } from '../e2e/support/local-oidc-issuer';
import { startTestGateway, type TestGateway } from '../e2e/support/test-gateway';
import {
  browserSuiteMissing,
  launchChromium,
  newPortalContext,
  PageProblems,
  PORTAL_DIR,
  screenshot,
} from './support/portal-browser';

/**
 * With OIDC_ISSUER_URL set, the portal signs in with authorization code + PKCE at the issuer (a small
 * local one: discovery, an authorization page with a Continue button, a token endpoint that checks the
 * S256 challenge), the code redeemed through the gateway, the refresh token in the httpOnly cookie.
 */
const missing = browserSuiteMissing();
if (missing) console.warn(`OIDC sign-in browser suite skipped: ${missing}`);

(missing ? describe.skip : describe)('portal sign-in through an OIDC issuer (code + PKCE)', () => {
  let issuer: LocalOidcIssuer;
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    issuer = await startLocalOidcIssuer('switchyard-api', {
      user: { sub: 'ada-oidc', roles: ['user'], name: 'Ada Issuer', email: 'ada@example.com' },
    });
    gw = await startTestGateway('pglite', {
      PORTAL_DIR,
      OIDC_ISSUER_URL: issuer.issuer,
      OIDC_AUDIENCE: issuer.audience,
      OIDC_CLIENT_ID: issuer.clientId,
    });
    browser = await launchChromium();
    page = await (await newPortalContext(browser, gw.baseUrl)).newPage();
    problems = new PageProblems(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await issuer?.close();
  });

  it('goes to the issuer, comes back signed in on the page asked for, keeps the session on reload, signs out', async () => {
    await page.goto('/app/settings');
    await page.waitForURL(/\/login\?returnUrl=/);
    expect(await page.getByLabel('Password').count()).toBe(0); // no local form in OIDC mode
    // The test issuer's own page has no favicon: Chromium reports that 404 on the console.
    problems.allow(/Failed to load resource: the server responded with a status of 404/);
    await page.getByRole('button', { name: 'Sign in with your organization' }).click();
    await page.waitForURL(`${issuer.authorizationEndpoint}**`);
    const authorize = new URL(page.url());
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${gw.baseUrl}/login`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/app/settings');
    await page.locator('h1', { hasText: 'Settings' }).waitFor();
    await page.getByRole('button', { name: /Account: Ada Issuer/ }).waitFor();
    expect(issuer.tokenRequests().authorization_code).toBe(1);
    expect(problems.take()).toEqual([]);
    await screenshot(page, 'oidc-signed-in-1280');

    await page.reload();
    await page.locator('h1', { hasText: 'Settings' }).waitFor();
    expect(issuer.tokenRequests().refresh_token).toBeGreaterThanOrEqual(1);

    await page.getByRole('button', { name: /Account: Ada Issuer/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.goto('/app/settings');
    await page.waitForURL(/\/login\?returnUrl=/);
    expect(problems.take()).toEqual([]);
  });
});
