import { readFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { toRequestStreamId, type UsageRecorded } from '@gw/routing';
import { eventually } from '@gw/shared-kernel/testing';
import { signWebhook } from '@gw/usage-billing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * Credits end to end: admin grants (once per Idempotency-Key), the balance and ledger as charges come
 * in, checkouts completed by a signed payment webhook exactly once (replays, stale and badly signed
 * ones grant nothing), and embedded mode's demo payment page.
 */
describeBackends('credits', (backend) => {
  let gw: TestGateway;
  let secret: string;
  /** Full mode takes the secret from the environment; embedded mode generates one into its data directory. */
  const FULL_MODE_SECRET = 'whsec_e2e_full_mode_0123456789';
  /** A real deployment sends its users to its payment provider's page. */
  const PROVIDER_CHECKOUT = 'https://pay.example/checkout?ref={purchaseId}';
  beforeAll(async () => {
    gw = await startTestGateway(
      backend,
      backend === 'postgres'
        ? { PAYMENT_WEBHOOK_SECRET: FULL_MODE_SECRET, PAYMENT_CHECKOUT_URL: PROVIDER_CHECKOUT }
        : {},
    );
    secret =
      backend === 'postgres'
        ? FULL_MODE_SECRET
        : (
            await readFile(path.join(gw.gateway.runtime.config.dataDir, 'payment-webhook-secret'), 'utf8')
          ).trim();
  });
  afterAll(() => gw?.close());

  const as = (key: string) => ({
    get: (p: string) => request(gw.baseUrl).get(p).set('authorization', `Bearer ${key}`),
    post: (p: string) => request(gw.baseUrl).post(p).set('authorization', `Bearer ${key}`),
  });
  const admin = () => as(gw.adminKey);
  const newUser = async () => {
    const created = await admin()
      .post('/api/v1/admin/users')
      .send({ name: `c ${Date.now()}`, tier: 'starter' })
      .expect(201);
    const key = await admin()
      .post(`/api/v1/admin/users/${created.body.id}/api-keys`)
      .send({ name: 'k' })
      .expect(201);
    return { id: created.body.id as string, apiKey: key.body.apiKey as string };
  };
  const creditsOf = (apiKey: string) => as(apiKey).get('/api/v1/me/credits').expect(200);
  const balanceIs = (apiKey: string, micros: bigint) =>
    eventually(
      async () => {
        const body = (await creditsOf(apiKey)).body;
        return body.balanceMicros === micros.toString() ? body : undefined;
      },
      10_000,
      `a balance of ${micros}`,
    );
  const webhook = (body: string, signature: string) =>
    request(gw.baseUrl)
      .post('/api/v1/billing/webhooks/payment')
      .set('content-type', 'application/json')
      .set('switchyard-signature', signature)
      .send(body);
  const now = () => Math.floor(Date.now() / 1000);

  it('a new account starts with the sign-up credits; an admin grant shows in the balance and the ledger, once per Idempotency-Key; charges take from it', async () => {
    const user = await newUser();
    // The billing policy's sign-up credits ($5 by default), granted once before the first read or request.
    expect((await creditsOf(user.apiKey)).body).toEqual({
      balanceMicros: '5000000',
      reservedMicros: '0',
      availableMicros: '5000000',
      monthSpendMicros: '0',
      monthlyCapMicros: null,
      capMode: 'soft',
      credits: 5_000,
    });
    for (let i = 0; i < 2; i++) {
      const res = await admin()
        .post(`/api/v1/admin/users/${user.id}/credits`)
        .set('idempotency-key', `welcome-${user.id}`)
        .send({ amountMicros: '5000000', reason: 'welcome' })
        .expect(201);
      expect(res.body).toMatchObject({ userId: user.id, amountMicros: '5000000', granted: i === 0 });
    }
    await balanceIs(user.apiKey, 10_000_000n);

    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: user.apiKey, maxRetries: 0 });
    const { response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'spend a little' }] })
      .withResponse();
    const requestId = response.headers.get('x-switchyard-request-id')!;
    const usage = (await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(requestId))).find(
      (e) => e.type === 'UsageRecorded',
    )!.data as UsageRecorded['data'];
    const charged = BigInt(usage.chargedMicros);
    expect(charged).toBeGreaterThan(0n);
    expect(response.headers.get('x-switchyard-charge-micros')).toBe(usage.chargedMicros);
    const after = await balanceIs(user.apiKey, 10_000_000n - charged);
    expect(after).toMatchObject({
      monthSpendMicros: charged.toString(),
      reservedMicros: '0',
      availableMicros: (10_000_000n - charged).toString(),
      credits: Number((10_000_000n - charged) / 1_000n),
    });
    await gw.waitForProjections();
    const ledger = (await as(user.apiKey).get('/api/v1/me/credits/ledger').expect(200)).body;
    expect(ledger.data).toEqual([
      expect.objectContaining({
        kind: 'charge',
        amountMicros: (-charged).toString(),
        reference: requestId,
        explanationUrl: `/api/v1/requests/${requestId}`,
      }),
      expect.objectContaining({
        kind: 'admin',
        amountMicros: '5000000',
        description: 'welcome',
        explanationUrl: null,
      }),
      expect.objectContaining({
        kind: 'promotion',
        amountMicros: '5000000',
        reference: 'signup',
        description: 'Sign-up credits',
      }),
    ]);
    const page = (await as(user.apiKey).get('/api/v1/me/credits/ledger?limit=1').expect(200)).body;
    expect(page.data).toEqual([ledger.data[0]]);
    const next = (
      await as(user.apiKey).get(`/api/v1/me/credits/ledger?limit=1&before=${page.nextCursor}`).expect(200)
    ).body;
    expect(next).toEqual({ data: [ledger.data[1]], nextCursor: expect.any(String) });
  });

  it('admin grants: 400 naming the field, 404 for no such user, 403 for users', async () => {
    const user = await newUser();
    for (const [body, param] of [
      [{ amountMicros: 5, reason: 'x' }, 'amountMicros'],
      [{ amountMicros: '-5', reason: 'x' }, 'amountMicros'],
      [{ amountMicros: '5', reason: '' }, 'reason'],
    ] as const) {
      const res = await admin().post(`/api/v1/admin/users/${user.id}/credits`).send(body);
      expect({ param, status: res.status }).toEqual({ param, status: 400 });
      expect(res.body.detail).toContain(param);
    }
    await admin()
      .post('/api/v1/admin/users/nobody/credits')
      .send({ amountMicros: '5', reason: 'x' })
      .expect(404);
    await as(user.apiKey)
      .post(`/api/v1/admin/users/${user.id}/credits`)
      .send({ amountMicros: '5', reason: 'x' })
      .expect(403);
    await as(user.apiKey).get('/api/v1/me/credits/ledger?before=nonsense').expect(400);
  });

  it('a signed webhook completes a checkout once; a replay, a stale, a badly signed or a wrong one grants nothing', async () => {
    const user = await newUser();
    const checkout = await as(user.apiKey)
      .post('/api/v1/me/credits/checkout')
      .send({ packageId: 'credits-10' })
      .expect(201);
    expect(checkout.body).toMatchObject({
      packageId: 'credits-10',
      priceMicros: '10000000',
      credits: 10_000,
      amountMicros: '10000000',
      status: 'pending',
      checkoutUrl: expect.stringContaining(checkout.body.purchaseId),
    });
    await as(user.apiKey).post('/api/v1/me/credits/checkout').send({ packageId: 'credits-7' }).expect(404);
    const event = (amountMicros: string, paymentId = 'pay_1') =>
      JSON.stringify({
        id: `evt_${paymentId}_${amountMicros}`,
        type: 'payment.succeeded',
        data: { paymentId, purchaseId: checkout.body.purchaseId, userId: user.id, amountMicros },
      });
    const body = event('10000000');

    const stale = await webhook(body, signWebhook(secret, body, now() - 301));
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe('BILLING.WEBHOOK_SIGNATURE_STALE');
    const forged = await webhook(body, signWebhook('not-the-secret-at-all', body, now()));
    expect(forged.body.code).toBe('BILLING.WEBHOOK_SIGNATURE_MISMATCH');
    const tampered = await webhook(body.replace('10000000', '20000000'), signWebhook(secret, body, now()));
    expect(tampered.status).toBe(400);
    expect((await webhook(body, '')).status).toBe(400);
    const short = event('1000000');
    expect((await webhook(short, signWebhook(secret, short, now()))).body.code).toBe(
      'BILLING.PAYMENT_AMOUNT_MISMATCH',
    );

    const signature = signWebhook(secret, body, now());
    const paid = await webhook(body, signature).expect(200);
    expect(paid.body).toEqual({ received: true, granted: true });
    const replay = await webhook(body, signature).expect(200);
    expect(replay.body).toEqual({ received: true, granted: false, duplicate: true });
    const otherPayment = event('10000000', 'pay_2');
    expect((await webhook(otherPayment, signWebhook(secret, otherPayment, now()))).status).toBe(409);

    await balanceIs(user.apiKey, 10_000_000n + 5_000_000n); // the purchase and the sign-up credits
    await gw.waitForProjections();
    const ledger = (await as(user.apiKey).get('/api/v1/me/credits/ledger').expect(200)).body.data;
    expect(ledger).toHaveLength(2);
    expect(ledger).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'purchase', amountMicros: '10000000' }),
        expect.objectContaining({ kind: 'promotion', amountMicros: '5000000' }),
      ]),
    );
  });

  it('embedded mode’s demo payment page completes a checkout through the signed webhook', async () => {
    const user = await newUser();
    const checkout = await as(user.apiKey)
      .post('/api/v1/me/credits/checkout')
      .send({ packageId: 'credits-50' })
      .expect(201);
    if (backend === 'postgres') {
      // A real deployment's payment provider calls the webhook: its page, no demo page.
      expect(checkout.body.checkoutUrl).toBe(`https://pay.example/checkout?ref=${checkout.body.purchaseId}`);
      const demo = `/billing/demo-checkout?user=${user.id}&purchase=${checkout.body.purchaseId}`;
      expect((await request(gw.baseUrl).get(demo).expect(404)).text).toContain('embedded mode only');
      return;
    }
    const page = await request(gw.baseUrl).get(checkout.body.checkoutUrl).expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('Pay $50.00');
    expect(page.text).toContain('55,000 credits');
    const pay = () =>
      request(gw.baseUrl)
        .post('/billing/demo-checkout/pay')
        .send({ user: user.id, purchase: checkout.body.purchaseId });
    expect((await pay().expect(200)).body).toEqual({ received: true, granted: true });
    await pay().expect(404); // paid already
    const again = await request(gw.baseUrl).get(checkout.body.checkoutUrl).expect(404);
    expect(again.headers['content-type']).toContain('text/html');
    expect(again.text).toContain('This checkout is paid already');
    await balanceIs(user.apiKey, 55_000_000n + 5_000_000n); // the package and the sign-up credits
  });
});

/**
 * Embedded mode with PAYMENT_WEBHOOK_SECRET set: the demo page would sign its webhook with the real
 * secret, so it is off (a page saying why), and checkouts go to PAYMENT_CHECKOUT_URL.
 */
describe('credits: the demo checkout with a real webhook secret', () => {
  let gw: TestGateway;
  const SECRET = 'whsec_e2e_real_secret_0123456789';
  beforeAll(async () => {
    gw = await startTestGateway('pglite', {
      PAYMENT_WEBHOOK_SECRET: SECRET,
      PAYMENT_CHECKOUT_URL: 'https://pay.example/checkout?ref={purchaseId}&user={userId}',
    });
  });
  afterAll(() => gw?.close());

  it('refuses the demo page and its Pay button, saying why; the checkout points at the payment provider', async () => {
    const checkout = await request(gw.baseUrl)
      .post('/api/v1/me/credits/checkout')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ packageId: 'credits-10' })
      .expect(201);
    const { purchaseId } = checkout.body as { purchaseId: string };
    expect(checkout.body.checkoutUrl).toBe(
      `https://pay.example/checkout?ref=${purchaseId}&user=${encodeURIComponent(gw.userId)}`,
    );
    const page = await request(gw.baseUrl)
      .get(`/billing/demo-checkout?user=${encodeURIComponent(gw.userId)}&purchase=${purchaseId}`)
      .expect(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('PAYMENT_WEBHOOK_SECRET is set');
    expect(page.text).not.toContain('<button');
    const pay = await request(gw.baseUrl)
      .post('/billing/demo-checkout/pay')
      .send({ user: gw.userId, purchase: purchaseId });
    expect(pay.status).toBe(404);
    expect(JSON.stringify(pay.body)).toContain('PAYMENT_WEBHOOK_SECRET is set');
    // nothing was paid: the purchase still takes the provider's signed webhook
    const body = JSON.stringify({
      id: `evt_${purchaseId}`,
      type: 'payment.succeeded',
      data: { paymentId: `pay_${purchaseId}`, purchaseId, userId: gw.userId, amountMicros: '10000000' },
    });
    const paid = await request(gw.baseUrl)
      .post('/api/v1/billing/webhooks/payment')
      .set('content-type', 'application/json')
      .set('switchyard-signature', signWebhook(SECRET, body, Math.floor(Date.now() / 1000)))
      .send(body)
      .expect(200);
    expect(paid.body).toEqual({ received: true, granted: true });
  });
});
