import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { toRequestStreamId, type UsageRecorded } from '@gw/routing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * Pricing and charges end to end: every price kind an admin can set on a model (per-request fee,
 * long-context rates, one-hour cache writes), the billing policy (GET/PUT, versions, If-Match), and
 * the cost and charge on each answer (headers, the stream's final usage chunk, UsageRecorded).
 */
describeBackends('pricing and charges', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(backend);
  });
  afterAll(() => gw?.close());

  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
  });
  const admin = () => as(gw.adminKey);
  const usageOf = async (requestId: string): Promise<UsageRecorded['data']> => {
    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(requestId));
    return events.find((e) => e.type === 'UsageRecorded')!.data as UsageRecorded['data'];
  };
  /** mock-sage's sage-medium repriced: $0.50 in, $2 out per million tokens, a $0.005 fee per request. */
  const FEE = 5_000n;
  const IN = 500_000n;
  const OUT = 2_000_000n;
  const expectedCost = (prompt: number, completion: number): bigint =>
    (BigInt(prompt) * IN + BigInt(completion) * OUT + 500_000n) / 1_000_000n + FEE;

  beforeAll(async () => {
    await admin()
      .put('/api/v1/admin/models/mock-sage/sage-medium')
      .send({
        prices: {
          inputPerMillionMicros: IN.toString(),
          outputPerMillionMicros: OUT.toString(),
          perRequestMicros: FEE.toString(),
          cacheWrite1hPerMillionMicros: '1000000',
          longContext: {
            aboveTokens: 100_000,
            inputPerMillionMicros: '1000000',
            outputPerMillionMicros: '4000000',
          },
        },
      })
      .expect(200);
  });

  it('a model takes every kind of price, and shows them back with its price version', async () => {
    const model = await admin().get('/api/v1/admin/models/mock-sage/sage-medium').expect(200);
    expect(model.body.prices).toEqual({
      inputPerMillionMicros: '500000',
      outputPerMillionMicros: '2000000',
      cachedInputPerMillionMicros: '500000',
      cacheWritePerMillionMicros: '500000',
      cacheWrite1hPerMillionMicros: '1000000',
      perRequestMicros: '5000',
      longContext: {
        aboveTokens: 100_000,
        inputPerMillionMicros: '1000000',
        outputPerMillionMicros: '4000000',
      },
    });
    expect(model.body.priceVersion).toBe(2); // seeded at 1, repriced above
    for (const [prices, param] of [
      [
        { inputPerMillionMicros: '1', outputPerMillionMicros: '1', perRequestMicros: '0.5' },
        'perRequestMicros',
      ],
      [
        {
          inputPerMillionMicros: '1',
          outputPerMillionMicros: '1',
          longContext: { aboveTokens: 500_000, inputPerMillionMicros: '1', outputPerMillionMicros: '1' },
        },
        'prices.longContext.aboveTokens',
      ],
    ] as const) {
      const bad = await admin().put('/api/v1/admin/models/mock-sage/sage-medium').send({ prices });
      expect(bad.status).toBe(400);
      expect(`${bad.body.detail}`).toContain(param);
    }
  });

  it('the billing policy: product defaults, a PUT that changes only what it gives, If-Match, 400s, admins only', async () => {
    const initial = await admin().get('/api/v1/admin/billing/policy').expect(200);
    expect(initial.headers.etag).toBe('"0"');
    expect(initial.body).toEqual({
      version: 0,
      powerLevelMultiplierBps: { eco: 1_000, balanced: 2_500, precision: 10_000 },
      tierMarkupBps: { free: 0, starter: 4_000, professional: 6_000, enterprise: 8_000 },
      byokFeeBps: 1_000,
      creditPackages: [
        { id: 'credits-10', priceMicros: '10000000', credits: 10_000 },
        { id: 'credits-50', priceMicros: '50000000', credits: 55_000 },
        { id: 'credits-100', priceMicros: '100000000', credits: 120_000 },
      ],
      microsPerCredit: '1000',
      signupCreditsMicros: '5000000',
    });
    await as(gw.userKey).get('/api/v1/admin/billing/policy').expect(403);
    await as(gw.userKey).put('/api/v1/admin/billing/policy').send({ byokFeeBps: 0 }).expect(403);
    for (const [body, param] of [
      [{ byokFeeBps: 20_000 }, 'byokFeeBps'],
      [{ tierMarkupBps: { gold: 1 } }, 'tierMarkupBps.gold'],
      [{ powerLevelMultiplierBps: { eco: '1000' } }, 'powerLevelMultiplierBps.eco'],
      [{ creditPackages: [{ id: 'x', priceMicros: 10, credits: 1 }] }, 'creditPackages[0].priceMicros'],
      [{ surcharge: 1 }, 'surcharge'],
      [{ signupCreditsMicros: '-1' }, 'signupCreditsMicros'],
    ] as const) {
      const res = await admin().put('/api/v1/admin/billing/policy').send(body);
      expect({ param, status: res.status }).toEqual({ param, status: 400 });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(`${res.body.detail}`).toContain(param);
    }
    const put = await admin()
      .put('/api/v1/admin/billing/policy')
      .set('if-match', '"0"')
      .send({ tierMarkupBps: { professional: 5_000 } })
      .expect(200);
    expect(put.headers.etag).toBe('"1"');
    expect(put.body).toEqual({
      ...initial.body,
      version: 1,
      tierMarkupBps: { ...initial.body.tierMarkupBps, professional: 5_000 },
    });
    await admin()
      .put('/api/v1/admin/billing/policy')
      .set('if-match', '"0"')
      .send({ byokFeeBps: 0 })
      .expect(412);
    // The same values again change nothing: no new version.
    const same = await admin()
      .put('/api/v1/admin/billing/policy')
      .send({ tierMarkupBps: { professional: 5_000 } });
    expect(same.body.version).toBe(1);
    await admin()
      .put('/api/v1/admin/billing/policy')
      .send({ tierMarkupBps: { professional: 6_000 } })
      .expect(200);
  });

  it('each answer carries its cost and charge; UsageRecorded keeps them with the versions they used', async () => {
    const policy = (await admin().get('/api/v1/admin/billing/policy').expect(200)).body;
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'mock-sage/sage-medium', messages: [{ role: 'user', content: 'price me' }] })
      .withResponse();
    const cost = expectedCost(data.usage!.prompt_tokens, data.usage!.completion_tokens);
    // The demo user: professional (+60 %) at balanced (0.25×).
    const charge = (cost * 2_500n * 16_000n + 50_000_000n) / 100_000_000n;
    expect(response.headers.get('x-switchyard-cost-micros')).toBe(cost.toString());
    expect(response.headers.get('x-switchyard-charge-micros')).toBe(charge.toString());
    expect(await usageOf(response.headers.get('x-switchyard-request-id')!)).toMatchObject({
      providerCostMicros: cost.toString(),
      chargedMicros: charge.toString(),
      tier: 'professional',
      powerLevel: 'balanced',
      priceVersion: 2,
      billingPolicyVersion: policy.version,
    });

    // Precision from the header: 1×, +60 %.
    const precise = await client.chat.completions
      .create(
        { model: 'mock-sage/sage-medium', messages: [{ role: 'user', content: 'price me' }] },
        { headers: { 'X-Power-Level': 'precision' } },
      )
      .withResponse();
    const preciseCost = expectedCost(
      precise.data.usage!.prompt_tokens,
      precise.data.usage!.completion_tokens,
    );
    expect(precise.response.headers.get('x-switchyard-charge-micros')).toBe(
      ((preciseCost * 16_000n + 5_000n) / 10_000n).toString(),
    );
  });

  it('a stream carries them in its final usage chunk', async () => {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'mock-sage/sage-medium',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let last:
      | (OpenAI.ChatCompletionChunk & { switchyard?: { cost_micros: string; charge_micros: string } })
      | undefined;
    for await (const chunk of stream) last = chunk;
    const cost = expectedCost(last!.usage!.prompt_tokens, last!.usage!.completion_tokens);
    expect(last!.switchyard).toEqual({
      cost_micros: cost.toString(),
      charge_micros: ((cost * 2_500n * 16_000n + 50_000_000n) / 100_000_000n).toString(),
    });
  });

  it('a price change is a new price version, and the next request pays it', async () => {
    const changed = await admin()
      .put('/api/v1/admin/models/mock-sage/sage-medium')
      .send({ prices: { inputPerMillionMicros: IN.toString(), outputPerMillionMicros: OUT.toString() } })
      .expect(200);
    expect(changed.body.priceVersion).toBe(3);
    expect(changed.body.prices.perRequestMicros).toBe('0');
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'mock-sage/sage-medium', messages: [{ role: 'user', content: 'price me' }] })
      .withResponse();
    const cost = expectedCost(data.usage!.prompt_tokens, data.usage!.completion_tokens) - FEE;
    expect(response.headers.get('x-switchyard-cost-micros')).toBe(cost.toString());
    expect(await usageOf(response.headers.get('x-switchyard-request-id')!)).toMatchObject({
      priceVersion: 3,
    });
  });
});
