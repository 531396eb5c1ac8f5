import fc from 'fast-check';
import request from 'supertest';
import { postgresUrl } from '@gw/database/testing';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { describeIf, eventually } from '@gw/shared-kernel/testing';
import { newUser } from './support/accounts';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * The budget hold is a true worst case (issue 16, item 1): whatever the body — `n` up to 128, prompts
 * shaped against a sampling estimator, long prompts, tools, images, no max_tokens — what the request
 * is charged (the mock provider's true token counts, priced and charged) is never more than what was
 * held before the upstream call, so a prepaid balance and a hard cap cannot be overdrawn, however many
 * such requests run at once.
 */

const DEAR = 'mock-sage/sage-large'; // $2.50 / $10.00 per million tokens, vision and tools
const MODELS = ['mock-swift/swift-mini', 'mock-sage/sage-medium', DEAR, 'mock-atlas/atlas-1'] as const;

const as = (baseUrl: string, key: string) => ({
  get: (p: string) => request(baseUrl).get(p).set('authorization', `Bearer ${key}`),
  post: (p: string) => request(baseUrl).post(p).set('authorization', `Bearer ${key}`),
  put: (p: string) => request(baseUrl).put(p).set('authorization', `Bearer ${key}`),
});

const chat = (baseUrl: string, apiKey: string, body: Record<string, unknown>) =>
  fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.text() }));

/**
 * Spaces where a sampling estimator looks (16 evenly spaced windows of 512 characters) and dense
 * punctuation everywhere else: the review's prompt that held 22 µ$ and was charged 3,830 µ$.
 */
function shapedPrompt(chars: number): string {
  const stretch = Math.floor(chars / 16);
  let text = '';
  for (let k = 0; k < 16; k++) {
    text += ' '.repeat(512);
    for (let i = 0; i < stretch - 512; i++) text += String.fromCharCode(33 + ((i * 7919 + k) % 94));
  }
  return text;
}

async function credits(gw: TestGateway, apiKey: string): Promise<Record<string, string>> {
  return (await as(gw.baseUrl, apiKey).get('/api/v1/me/credits').expect(200)).body as Record<string, string>;
}

/** The request's settlement: what was held for it and what it was charged. */
async function settlementOf(gw: TestGateway, requestId: string): Promise<{ held: bigint; charged: bigint }> {
  const events = await gw.gateway.runtime.eventStore.readStream(`request-${requestId}`);
  const settled = events.find((e) => e.type === 'ChargeSettled');
  if (!settled) throw new Error(`no ChargeSettled for ${requestId}: ${events.map((e) => e.type).join(', ')}`);
  const data = settled.data as { reservedMicros: string; chargedMicros: string };
  return { held: BigInt(data.reservedMicros), charged: BigInt(data.chargedMicros) };
}

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 2_000 }),
  fc.integer({ min: 600, max: 6_000 }).map((chars) => shapedPrompt(chars * 16)),
  fc.integer({ min: 1, max: 2_000 }).map((k) => 'switch yard '.repeat(k)),
);

const part = fc.oneof(
  text.map((t) => ({ type: 'text', text: t })),
  fc.constant({ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }),
);

const message = fc.oneof(
  fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: text }),
  fc.record({ role: fc.constant('user'), content: fc.array(part, { minLength: 1, maxLength: 3 }) }),
  fc.record({ role: fc.constant('user'), content: text, name: fc.stringMatching(/^[a-z]{1,12}$/) }),
);

const tool = fc.record({
  type: fc.constant('function'),
  function: fc.record({
    name: fc.stringMatching(/^[a-z_]{1,16}$/),
    description: fc.string({ maxLength: 100 }),
    parameters: fc.constant({
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['city'],
    }),
  }),
});

/** Any body a hostile caller may send that the gateway accepts. */
const body = fc
  .record(
    {
      model: fc.constantFrom(...MODELS),
      messages: fc
        .array(message, { minLength: 1, maxLength: 4 })
        .map((ms) => [...ms, { role: 'user', content: 'Tell me about switch yards, in JSON if asked.' }]),
      n: fc.integer({ min: 1, max: 128 }),
      // One of max_tokens and max_completion_tokens, or neither (each choice may then write the model's limit).
      limit: fc.oneof(
        fc.integer({ min: 1, max: 300 }).map((max_tokens) => ({ max_tokens })),
        fc.integer({ min: 1, max: 300 }).map((max_completion_tokens) => ({ max_completion_tokens })),
      ),
      tools: fc.array(tool, { minLength: 1, maxLength: 3 }),
      response_format: fc.constantFrom({ type: 'json_object' }, { type: 'text' }),
      stop: fc.constantFrom('.', ['yard', '\n']),
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    },
    { requiredKeys: ['model', 'messages'] },
  )
  .map(({ limit, ...rest }) => ({ ...rest, ...limit }));

/** 50 concurrent adversarial requests for each of two users with $0.05 left, one with a $0.03 hard cap. */
async function cannotOverdraw(gw: TestGateway): Promise<void> {
  // Sign-up credits of exactly $0.05 for the users made now.
  await as(gw.baseUrl, gw.adminKey)
    .put('/api/v1/admin/billing/policy')
    .send({ signupCreditsMicros: '50000' })
    .expect(200);
  const unCapped = await newUser(gw.baseUrl, gw.adminKey, 'professional');
  const capped = await newUser(gw.baseUrl, gw.adminKey, 'professional');
  await as(gw.baseUrl, capped.apiKey)
    .put('/api/v1/me/settings')
    .send({ monthlyCapMicros: '30000', capMode: 'hard' })
    .expect(200);
  for (const u of [unCapped, capped])
    await eventually(
      async () => ((await credits(gw, u.apiKey)).availableMicros === '50000' ? true : undefined),
      15_000,
      'the $0.05 sign-up credits',
    );
  await eventually(
    async () => ((await credits(gw, capped.apiKey)).capMode === 'hard' ? true : undefined),
    15_000,
    'the hard cap',
  );

  const question = [{ role: 'user', content: 'Explain switch yards and freight car sorting.' }];
  const adversarial: Array<Record<string, unknown>> = [
    // n: 128 choices, each up to 100 tokens (held 1×, charged 128× before).
    { model: DEAR, messages: question, n: 128, max_tokens: 100 },
    // n without max_tokens: every choice may write the model's whole output.
    { model: DEAR, messages: question, n: 16 },
    // Shaped prompts: spaces where a sampler looks, dense text elsewhere.
    { model: DEAR, messages: [{ role: 'user', content: shapedPrompt(150_000) }], max_tokens: 1 },
    { model: DEAR, messages: [{ role: 'user', content: shapedPrompt(12_000) }], max_tokens: 1 },
    // A long plain prompt.
    { model: DEAR, messages: [{ role: 'user', content: 'switch yard '.repeat(5_000) }], max_tokens: 1 },
    // Small requests that do fit: some are answered, so the run proves something.
    { model: DEAR, messages: question, n: 4, max_tokens: 40 },
    { model: DEAR, messages: question, max_tokens: 50 },
  ];
  const sent = Array.from({ length: 50 }, (_, i) => adversarial[i % adversarial.length]!);
  const responses = await Promise.all(
    [unCapped, capped].flatMap((u) => sent.map((b) => chat(gw.baseUrl, u.apiKey, b).then((r) => ({ u, r })))),
  );
  for (const { r } of responses) {
    expect([200, 402]).toContain(r.status);
    if (r.status === 402) expect(JSON.parse(r.body).error.code).toBe('insufficient_quota');
  }
  for (const [u, cap] of [
    [unCapped, null],
    [capped, 30_000n],
  ] as const) {
    const answered = responses.filter((x) => x.u === u && x.r.status === 200);
    expect(answered.length).toBeGreaterThan(0);
    const charged = answered.reduce(
      (sum, x) => sum + BigInt(x.r.headers.get('x-switchyard-charge-micros')!),
      0n,
    );
    const after = await eventually(
      async () => {
        const c = await credits(gw, u.apiKey);
        return c.reservedMicros === '0' && BigInt(c.monthSpendMicros!) === charged ? c : undefined;
      },
      15_000,
      'every answer settled',
    );
    expect(BigInt(after.balanceMicros!)).toBe(50_000n - charged);
    expect(BigInt(after.balanceMicros!) >= 0n).toBe(true);
    if (cap !== null) expect(charged <= cap).toBe(true);
  }
}

describe('the budget hold is a true worst case (embedded)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
  });
  afterAll(() => gw.close());

  it('for any request body, the charge for what the mock provider reports is at most what was held', async () => {
    const user = await newUser(gw.baseUrl, gw.adminKey, 'enterprise');
    // Enough for any hold: 128 choices of a model's whole output at the dearest price and markup.
    await as(gw.baseUrl, gw.adminKey)
      .post(`/api/v1/admin/users/${user.id}/credits`)
      .send({ amountMicros: '100000000000', reason: 'hold bound property test' })
      .expect(201);
    await eventually(
      async () =>
        BigInt((await credits(gw, user.apiKey)).availableMicros!) > 100_000_000_000n ? true : undefined,
      15_000,
      'the grant in the ledger',
    );
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const r = await chat(gw.baseUrl, user.apiKey, b);
        // A body the gateway refuses (e.g. an image for a model without vision) is charged nothing.
        if (r.status !== 200) {
          expect(r.status).toBeGreaterThanOrEqual(400);
          expect(r.status).toBeLessThan(500);
          expect(r.status).not.toBe(402);
          return;
        }
        answered++;
        const { held, charged } = await settlementOf(gw, r.headers.get('x-switchyard-request-id')!);
        expect(charged.toString()).toBe(r.headers.get('x-switchyard-charge-micros'));
        expect(charged).toBeGreaterThan(0n);
        expect(charged <= held).toBe(true);
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? Date.now() % 2_147_483_647) },
    );
    expect(answered).toBeGreaterThan(30);
  });

  it('with $0.05 left, 50 concurrent adversarial requests never take the balance below zero nor spend past a hard cap', () =>
    cannotOverdraw(gw));
});

describeIf(
  Boolean(postgresUrl()) && Boolean(process.env.REDIS_URL),
  'the hold bound on PostgreSQL with the Redis budget store: needs DATABASE_URL and REDIS_URL',
)('the budget hold is a true worst case (PostgreSQL, budget store in Redis)', () => {
  let gw: TestGateway;
  let upstream: MockProvider;
  beforeAll(async () => {
    upstream = await startMockProvider({ models: ['free'] });
    gw = await startTestGateway('postgres', { REDIS_URL: process.env.REDIS_URL! });
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('with $0.05 left, 50 concurrent adversarial requests never take the balance below zero nor spend past a hard cap', () =>
    cannotOverdraw(gw));

  it('a zero-priced model holds and settles zero in Redis: every answer served, the budget store stays healthy', async () => {
    const admin = as(gw.baseUrl, gw.adminKey);
    const slug = `free-${Math.random().toString(36).slice(2, 8)}`;
    await admin
      .post('/api/v1/admin/providers')
      .send({
        slug,
        name: slug,
        kind: 'openai-compatible',
        baseUrl: `${upstream.url}/v1`,
        apiKey: `sk-${slug}-platform`,
      })
      .expect(201);
    await admin
      .post('/api/v1/admin/models')
      .send({
        provider: slug,
        model: 'free',
        displayName: 'Free',
        prices: { inputPerMillionMicros: '0', outputPerMillionMicros: '0' },
        contextWindow: 8_000,
        maxOutputTokens: 1_000,
        capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
        quality: 0.5,
        powerLevels: ['eco', 'balanced', 'precision'],
      })
      .expect(201);
    const model = `${slug}/free`;
    await eventually(
      async () => {
        const models = await as(gw.baseUrl, gw.userKey).get('/v1/models');
        return (models.body.data as Array<{ id: string }>).some((m) => m.id === model) ? true : undefined;
      },
      15_000,
      'the free model in the catalog',
    );
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        chat(gw.baseUrl, gw.userKey, {
          model,
          messages: [{ role: 'user', content: `free ${i}` }],
          stream: i % 2 === 0,
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const r of responses.filter((x) => x.headers.get('content-type')?.startsWith('application/json')))
      expect(r.headers.get('x-switchyard-charge-micros')).toBe('0');
    const metrics = await admin.get('/metrics').expect(200);
    expect(metrics.text).toContain('switchyard_budget_store_degraded 0');
    expect(gw.logs()).not.toMatch(/Redis (is )?unreachable|budget store degraded/i);
    const after = await credits(gw, gw.userKey);
    expect(after.reservedMicros).toBe('0');
  });
});
