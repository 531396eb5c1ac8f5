import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { newUser as newAccount } from './support/accounts';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * Who may complete embedded mode's demo checkout. The page stands in for a payment provider's
 * hosted page: a browser opens it without the caller's credentials, so what authorizes the payment
 * is the checkout URL itself — the owner's user id with the unguessable purchase id that only
 * `POST /api/v1/me/credits/checkout` hands out. Without that exact pair nothing is paid; with it,
 * the credits go to the checkout's owner and nobody else, at the package's price, whoever pressed Pay.
 */
describe('demo checkout: who may complete it (embedded)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
  });
  afterAll(() => gw?.close());

  const as = (key: string) => ({
    get: (p: string) => request(gw.baseUrl).get(p).set('authorization', `Bearer ${key}`),
    post: (p: string) => request(gw.baseUrl).post(p).set('authorization', `Bearer ${key}`),
  });
  const newUser = () => newAccount(gw.baseUrl, gw.adminKey, 'starter');
  const checkout = async (user: { apiKey: string }) =>
    (await as(user.apiKey).post('/api/v1/me/credits/checkout').send({ packageId: 'credits-10' }).expect(201))
      .body as { purchaseId: string; checkoutUrl: string };
  /** The user's purchases in their ledger, once everything written so far is projected. */
  const purchases = async (user: { apiKey: string }) => {
    await gw.waitForProjections();
    const ledger = (await as(user.apiKey).get('/api/v1/me/credits/ledger').expect(200)).body.data as Array<{
      kind: string;
      amountMicros: string;
    }>;
    return ledger.filter((e) => e.kind === 'purchase').map((e) => e.amountMicros);
  };
  const pay = (body: Record<string, unknown>, key?: string) => {
    const call = request(gw.baseUrl).post('/billing/demo-checkout/pay');
    return (key ? call.set('authorization', `Bearer ${key}`) : call).send(body);
  };

  it('without the checkout’s own user and purchase pair, an anonymous caller or another user pays nothing', async () => {
    const owner = await newUser();
    const other = await newUser();
    const mine = await checkout(owner);
    const theirs = await checkout(other);

    // The owner's purchase under another user's id, and the other way round: no such checkout.
    for (const [body, key] of [
      [{ user: other.id, purchase: mine.purchaseId }, undefined],
      [{ user: other.id, purchase: mine.purchaseId }, other.apiKey],
      [{ user: owner.id, purchase: theirs.purchaseId }, owner.apiKey],
      [{ user: owner.id, purchase: randomUUID() }, undefined],
    ] as const) {
      const res = await pay(body, key);
      expect({ body, status: res.status }).toEqual({ body, status: 404 });
      expect(res.body.error.code).toBe('BILLING.PURCHASE_NOT_FOUND');
    }
    // Half a pair is a 400, not a payment.
    expect((await pay({ purchase: mine.purchaseId })).status).toBe(400);
    expect((await pay({ user: owner.id })).status).toBe(400);
    // The page for a mismatched pair shows no Pay button.
    const page = await request(gw.baseUrl)
      .get(`/billing/demo-checkout?user=${other.id}&purchase=${mine.purchaseId}`)
      .expect(404);
    expect(page.text).not.toContain('id="pay"');

    expect(await purchases(owner)).toEqual([]);
    expect(await purchases(other)).toEqual([]);
  });

  it('with the checkout URL, the credits go to its owner at the package price, whoever presses Pay', async () => {
    const owner = await newUser();
    const other = await newUser();
    const mine = await checkout(owner);
    const url = new URL(mine.checkoutUrl, gw.baseUrl);
    expect(url.searchParams.get('user')).toBe(owner.id);
    expect(url.searchParams.get('purchase')).toBe(mine.purchaseId);

    // Another signed-in user presses Pay on the owner's page, and tries to set the amount and the payee.
    const res = await pay(
      { user: owner.id, purchase: mine.purchaseId, amountMicros: '999000000', userId: other.id },
      other.apiKey,
    ).expect(200);
    expect(res.body).toEqual({ received: true, granted: true });
    expect(await purchases(owner)).toEqual(['10000000']);
    expect(await purchases(other)).toEqual([]);
    // Paid once: the same URL pays nothing more, for anyone.
    expect((await pay({ user: owner.id, purchase: mine.purchaseId })).status).toBe(404);
    expect((await pay({ user: owner.id, purchase: mine.purchaseId }, owner.apiKey)).status).toBe(404);
    expect(await purchases(owner)).toEqual(['10000000']);
  });

  it('the portal’s way: list the packages, check out, open the page with a return path, pay, and it goes back there with the balance risen', async () => {
    const owner = await newUser();
    const packages = await as(owner.apiKey).get('/api/v1/me/credits/packages').expect(200);
    expect(packages.body.packages).toContainEqual({
      id: 'credits-10',
      priceMicros: '10000000',
      credits: 10_000,
      amountMicros: '10000000',
    });
    const before = BigInt((await as(owner.apiKey).get('/api/v1/me/credits').expect(200)).body.balanceMicros);
    const mine = await checkout(owner);
    const back = `/app/credits?paid=${mine.purchaseId}`;
    const page = await request(gw.baseUrl)
      .get(`${mine.checkoutUrl}&return=${encodeURIComponent(back)}`)
      .expect(200);
    // A link back (cancel) and, once paid, the browser sent back to the portal.
    expect(page.text).toContain(`<a id="back" href="${back}">Back to Switchyard</a>`);
    expect(page.text).toContain(`const back = ${JSON.stringify(back)};`);
    expect(page.text).toContain('if (r.ok && back) location.assign(back);');

    await pay({ user: owner.id, purchase: mine.purchaseId }).expect(200);
    const after = BigInt((await as(owner.apiKey).get('/api/v1/me/credits').expect(200)).body.balanceMicros);
    expect(after - before).toBe(10_000_000n);
    // The page again (the back button): paid already, and still the way back.
    const again = await request(gw.baseUrl)
      .get(`${mine.checkoutUrl}&return=${encodeURIComponent(back)}`)
      .expect(404);
    expect(again.text).toContain(`href="${back}"`);
  });

  it('the page goes back only to a path of the portal: another site, or the API, gets no link and no redirect', async () => {
    const owner = await newUser();
    const mine = await checkout(owner);
    for (const elsewhere of [
      'https://evil.example/app/credits',
      '//evil.example/app',
      '/api/v1/me/credits',
    ]) {
      const page = await request(gw.baseUrl)
        .get(`${mine.checkoutUrl}&return=${encodeURIComponent(elsewhere)}`)
        .expect(200);
      expect(page.text).not.toContain('evil.example');
      expect(page.text).not.toContain('id="back"');
      expect(page.text).toContain('const back = null;');
    }
  });
});
