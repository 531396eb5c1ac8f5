import OpenAI from 'openai';
import request from 'supertest';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { toRequestStreamId } from '@gw/routing';
import { eventually } from '@gw/shared-kernel/testing';
import { newUser } from './support/accounts';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * Latency caps per power level and the request deadline (issue 20), end to end with local upstreams
 * that answer slowly: a slow first token falls back to the next candidate, streamed or not; a
 * deadline with every candidate slow ends the request with 504 `deadline_exceeded` long before the
 * upstreams would answer, and charges nothing.
 */

/** Far beyond every cap and deadline below: an answer from these never arrives in time. */
const SLOW_MS = 5_000;
const CAP_MS = 300;

describe('latency caps and the request deadline (embedded)', () => {
  let gw: TestGateway;
  let slow: MockProvider;
  let fast: MockProvider;
  /** Starts answering at once, then takes its time between chunks. */
  let steady: MockProvider;

  const admin = () => ({
    get: (p: string) => request(gw.baseUrl).get(p).set('authorization', `Bearer ${gw.adminKey}`),
    post: (p: string) => request(gw.baseUrl).post(p).set('authorization', `Bearer ${gw.adminKey}`),
    put: (p: string) => request(gw.baseUrl).put(p).set('authorization', `Bearer ${gw.adminKey}`),
  });

  /** A provider at `upstream` serving `models` ([name, quality, level]); tokens cost 1 µ$ of output each. */
  async function provider(
    slug: string,
    upstream: MockProvider,
    models: ReadonlyArray<readonly [model: string, quality: number, level: string]>,
  ): Promise<void> {
    await admin()
      .post('/api/v1/admin/providers')
      .send({
        slug,
        name: slug,
        kind: 'openai-compatible',
        baseUrl: `${upstream.url}/v1`,
        apiKey: `sk-${slug}-platform-key`,
      })
      .expect(201);
    for (const [model, quality, level] of models)
      await admin()
        .post('/api/v1/admin/models')
        .send({
          provider: slug,
          model,
          displayName: model,
          prices: { inputPerMillionMicros: '0', outputPerMillionMicros: '1000000' },
          contextWindow: 8_000,
          maxOutputTokens: 1_000,
          capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
          quality,
          powerLevels: [level],
        })
        .expect(201);
  }

  /** The current policy changed by `change`, saved. */
  async function changePolicy(change: (policy: PolicyBody) => void): Promise<void> {
    const current = await admin().get('/api/v1/admin/routing/policy').expect(200);
    const body = structuredClone(current.body) as PolicyBody;
    delete body.version;
    change(body);
    await admin()
      .put('/api/v1/admin/routing/policy')
      .set('if-match', current.headers.etag)
      .send(body)
      .expect(200);
  }

  beforeAll(async () => {
    gw = await startTestGateway('pglite');
    slow = await startMockProvider({ latencyMs: SLOW_MS });
    fast = await startMockProvider({ latencyMs: 0 });
    steady = await startMockProvider({ latencyMs: 0, chunkDelayMs: 100, seed: 20 });
    // Per level, a slow model ranked first (the best quality) and a fast one next; the built-in
    // mocks (quality at most 0.93) come after them. One level per case.
    // Slow providers of their own per case too: a cut counts against its provider's health.
    await provider('slow-json', slow, [['json-first', 1, 'balanced']]);
    await provider('slow-stream', slow, [['stream-first', 1, 'precision']]);
    await provider('slow-deadline', slow, [
      ['deadline-first', 1, 'eco'],
      ['deadline-second', 0.99, 'eco'],
    ]);
    await provider('fast-co', fast, [
      ['json-next', 0.99, 'balanced'],
      ['stream-next', 0.99, 'precision'],
    ]);
    await provider('steady-co', steady, [['long', 0.1, 'eco']]);
    await changePolicy((policy) => {
      for (const level of ['eco', 'balanced', 'precision'] as const) {
        policy.levels[level].strategy = 'custom';
        policy.levels[level].weights = { cost: 0, latency: 0, quality: 1 };
        policy.levels[level].latencyCapMs = CAP_MS;
      }
    });
  });
  afterAll(async () => {
    await gw?.close();
    await slow?.close();
    await fast?.close();
    await steady?.close();
  });

  const client = () => new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });

  async function explanation(id: string) {
    await gw.waitForProjections();
    const res = await request(gw.baseUrl)
      .get(`/api/v1/requests/${id}`)
      .set('authorization', `Bearer ${gw.userKey}`)
      .expect(200);
    return res.body;
  }

  it('a non-streamed answer not there within the cap falls back to the next candidate, explained', async () => {
    const started = performance.now();
    const { data, response } = await client()
      .chat.completions.create({ model: 'balanced', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(performance.now() - started).toBeLessThan(SLOW_MS);
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(data.model).toBe('fast-co/json-next');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    const id = response.headers.get('x-switchyard-request-id')!;

    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(id));
    expect(events.map((e) => e.type)).toEqual([
      'RequestRouted',
      'FallbackTriggered',
      'UsageRecorded',
      'ChargeSettled',
    ]);
    expect(events[0]!.data).toMatchObject({ chosenModelId: 'slow-json/json-first' });
    expect(events[1]!.data).toMatchObject({
      fromModelId: 'slow-json/json-first',
      toModelId: 'fast-co/json-next',
      reason: `latency cap ${CAP_MS} ms passed before the response`,
      status: null,
      attempt: 1,
    });
    expect(await explanation(id)).toMatchObject({
      chosenModelId: 'slow-json/json-first',
      finalModelId: 'fast-co/json-next',
      outcome: 'completed',
      fallbacks: [{ reason: `latency cap ${CAP_MS} ms passed before the response`, status: null }],
    });
  });

  it('a stream whose first token is not there within the cap falls back too, explained', async () => {
    const started = performance.now();
    const { data: stream, response } = await client()
      .chat.completions.create({
        model: 'precision',
        messages: [{ role: 'user', content: 'hello' }],
        stream: true,
      })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(performance.now() - started).toBeLessThan(SLOW_MS);
    expect(text.length).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-model')).toBe('fast-co/stream-next');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    const id = response.headers.get('x-switchyard-request-id')!;
    expect(await explanation(id)).toMatchObject({
      chosenModelId: 'slow-stream/stream-first',
      finalModelId: 'fast-co/stream-next',
      outcome: 'completed',
      fallbacks: [
        {
          fromModelId: 'slow-stream/stream-first',
          reason: `latency cap ${CAP_MS} ms passed before the first token`,
        },
      ],
    });
  });

  it('past the deadline with every candidate slow: 504 deadline_exceeded at once, no further attempt, nothing charged', async () => {
    await changePolicy((policy) => {
      policy.requestDeadlineMs = 1_000;
      policy.levels.eco.latencyCapMs = 600; // the first attempt is cut by the cap, the second by the deadline
    });
    const user = await newUser(gw.baseUrl, gw.adminKey, 'professional');
    const credits = () =>
      request(gw.baseUrl).get('/api/v1/me/credits').set('authorization', `Bearer ${user.apiKey}`).expect(200);
    const before = (await credits()).body;
    expect(before.reservedMicros).toBe('0');
    const builtIn = [...gw.gateway.runtime.mocks.values()];
    const builtInCalls = builtIn.reduce((n, m) => n + m.stats().requests, 0);
    const slowCalls = slow.stats().requests;

    const started = performance.now();
    const answer = fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'eco', messages: [{ role: 'user', content: 'hello' }] }),
    }).then(async (r) => ({
      status: r.status,
      headers: r.headers,
      body: await r.json(),
      ms: performance.now() - started,
    }));
    // While the attempts wait, the request's worst case is held…
    const held = await eventually(
      async () => {
        const { body } = await credits();
        return body.reservedMicros !== '0' ? body : undefined;
      },
      5_000,
      'the hold',
    );
    expect(BigInt(held.reservedMicros)).toBeGreaterThan(0n);

    const res = await answer;
    expect(res.status).toBe(504);
    expect(res.body).toEqual({
      error: {
        message: expect.stringContaining('deadline of 1000 ms'),
        type: 'api_error',
        code: 'deadline_exceeded',
        param: null,
      },
    });
    expect(res.ms).toBeGreaterThanOrEqual(990);
    expect(res.ms).toBeLessThan(SLOW_MS / 2);
    // Both slow candidates were tried; the built-in ones behind them never were.
    expect(slow.stats().requests).toBe(slowCalls + 2);
    expect(builtIn.reduce((n, m) => n + m.stats().requests, 0)).toBe(builtInCalls);

    const id = res.headers.get('x-switchyard-request-id')!;
    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(id));
    expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'FallbackTriggered', 'RequestFailed']);
    expect(events[1]!.data).toMatchObject({
      fromModelId: 'slow-deadline/deadline-first',
      toModelId: 'slow-deadline/deadline-second',
      reason: 'latency cap 600 ms passed before the response',
    });
    expect(events[2]!.data).toMatchObject({
      reason: 'deadline_exceeded',
      status: 504,
      attempts: 2,
      lastModelId: 'slow-deadline/deadline-second',
    });
    // …and released: nothing charged.
    expect((await credits()).body).toMatchObject({
      balanceMicros: before.balanceMicros,
      reservedMicros: '0',
      availableMicros: before.availableMicros,
    });
  });

  it('a stream that has begun is cut by neither the cap nor the deadline', async () => {
    // Still the 1,000 ms deadline of the case above; a pinned model, so nothing to fall back to.
    const started = performance.now();
    const { data: stream, response } = await client()
      .chat.completions.create({
        model: 'steady-co/long',
        messages: [{ role: 'user', content: 'hello' }],
        stream: true,
      })
      .withResponse();
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(performance.now() - started).toBeGreaterThan(1_000); // past cap and deadline both
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    const events = await gw.gateway.runtime.eventStore.readStream(
      toRequestStreamId(response.headers.get('x-switchyard-request-id')!),
    );
    expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'UsageRecorded', 'ChargeSettled']);
    expect(events[1]!.data).toMatchObject({ outcome: 'completed', streamed: true });
  });
});

interface LevelBody {
  strategy: string;
  weights: { cost: number; latency: number; quality: number };
  latencyCapMs: number;
  [field: string]: unknown;
}

interface PolicyBody {
  version?: number;
  levels: Record<'eco' | 'balanced' | 'precision', LevelBody>;
  requestDeadlineMs: number;
  [field: string]: unknown;
}
