import OpenAI from 'openai';
import request from 'supertest';
import {
  startFakeAnthropicServer,
  startFakeCohereServer,
  startFakeGemini,
  type FakeAnthropicServer,
  type FakeCohereServer,
  type FakeGemini,
} from '@gw/providers/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const ANTHROPIC_KEY = 'sk-ant-api03-e2e-secret-anthropic-0001';
const GEMINI_KEY = 'AIzaSy-e2e-secret-gemini-key-000000002';
const COHERE_KEY = 'co-e2e-secret-cohere-key-000000000003';

/**
 * The seeded Anthropic, Gemini and Cohere providers, keyed by an admin and pointed at local fakes
 * that speak each vendor's own API: the openai client sees OpenAI responses through each.
 */
describe('routing to Anthropic, Gemini and Cohere through their own wire formats', () => {
  let gw: TestGateway;
  let client: OpenAI;
  let anthropic: FakeAnthropicServer;
  let gemini: FakeGemini;
  let cohere: FakeCohereServer;

  const admin = (method: 'put' | 'post', path: string) =>
    request(gw.baseUrl)[method](path).set('authorization', `Bearer ${gw.adminKey}`);

  beforeAll(async () => {
    [anthropic, gemini, cohere] = await Promise.all([
      startFakeAnthropicServer({ apiKey: ANTHROPIC_KEY, models: ['claude-sonnet-4-5', 'claude-haiku-4-5'] }),
      startFakeGemini({ apiKey: GEMINI_KEY, models: ['gemini-2.5-flash', 'gemini-2.5-pro'] }),
      startFakeCohereServer({ apiKey: COHERE_KEY, models: ['command-a-03-2025', 'command-r-08-2024'] }),
    ]);
    gw = await startTestGateway('pglite');
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    for (const [slug, baseUrl, apiKey] of [
      ['anthropic', `${anthropic.url}/v1`, ANTHROPIC_KEY],
      ['gemini', gemini.baseUrl, GEMINI_KEY],
      ['cohere', cohere.baseUrl, COHERE_KEY],
    ] as const) {
      const res = await admin('put', `/api/v1/admin/providers/${slug}`)
        .send({ baseUrl, apiKey, enabled: true })
        .expect(200);
      expect(res.body).toMatchObject({ slug, status: 'active', platformKey: { last4: apiKey.slice(-4) } });
      expect(JSON.stringify(res.body)).not.toContain(apiKey);
    }
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([anthropic?.close(), gemini?.close(), cohere?.close()]);
  });

  describe.each([
    ['anthropic/claude-haiku-4-5', 'anthropic'],
    ['gemini/gemini-2.5-flash', 'gemini'],
    ['cohere/command-r-08-2024', 'cohere'],
  ])('%s', (model, provider) => {
    it('answers a chat completion in OpenAI’s format', async () => {
      const { data, response } = await client.chat.completions
        .create({
          model,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Say hello' },
          ],
          max_tokens: 50,
        })
        .withResponse();
      expect(response.headers.get('x-switchyard-provider')).toBe(provider);
      expect(data.object).toBe('chat.completion');
      expect(data.model).toBe(model);
      expect(data.choices[0]?.message.role).toBe('assistant');
      expect(data.choices[0]?.message.content).toMatch(/hello/i);
      expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
      expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    });

    it('streams OpenAI chunks with usage', async () => {
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Say hello' }],
        max_tokens: 50,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      expect(text).toMatch(/hello/i);
      expect(finish).toBe('stop');
      expect(usage?.completion_tokens).toBeGreaterThan(0);
    });

    it('the connection test reaches it with the platform key and reports latency', async () => {
      const res = await admin('post', `/api/v1/admin/providers/${provider}/test`).send({}).expect(200);
      expect(res.body).toMatchObject({ ok: true, status: 200 });
      expect(res.body.latencyMs).toBeGreaterThan(0);
      expect(res.body.modelsListed).toBeGreaterThanOrEqual(2);
      expect(res.body.catalogModelsNotListed).not.toContain(model);
    });
  });

  it('prices Anthropic prompt-cache reads and writes at their own rates, to the micro-dollar', async () => {
    anthropic.enqueue({
      kind: 'message',
      message: {
        id: 'msg_cached',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        content: [{ type: 'text', text: 'cached answer' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: {
          input_tokens: 1_000,
          cache_read_input_tokens: 2_000,
          cache_creation_input_tokens: 4_000,
          output_tokens: 100,
        },
      },
    });
    const { data, response } = await client.chat.completions
      .create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'long context' }] })
      .withResponse();
    expect(data.usage).toMatchObject({
      prompt_tokens: 7_000,
      completion_tokens: 100,
      prompt_tokens_details: { cached_tokens: 2_000 },
    });
    await gw.gateway.runtime.writer.flush();
    const requestId = response.headers.get('x-switchyard-request-id')!;
    const [usage] = (await gw.gateway.runtime.eventStore.readStream(`request-${requestId}`)).filter(
      (e) => e.type === 'UsageRecorded',
    );
    // Haiku 4.5: $1 input, $0.10 cache read, $1.25 cache write, $5 output per million tokens:
    // 1,000 × 1 + 2,000 × 0.10 + 4,000 × 1.25 + 100 × 5 = 1,000 + 200 + 5,000 + 500 micro-dollars.
    expect(usage?.data).toMatchObject({
      promptTokens: 7_000,
      cachedTokens: 2_000,
      cacheWriteTokens: 4_000,
      completionTokens: 100,
      providerCostMicros: '6700',
    });
  });

  it('a wrong key fails the connection test as auth, without showing the key', async () => {
    const wrong = 'sk-ant-api03-definitely-wrong-key-9999';
    const res = await admin('post', '/api/v1/admin/providers/anthropic/test')
      .send({ apiKey: wrong })
      .expect(200);
    expect(res.body).toMatchObject({ ok: false, error: { kind: 'auth', status: 401 } });
    expect(JSON.stringify(res.body)).not.toContain(wrong);
  });

  it('the keys reached the vendors in their own headers and never appear in logs', async () => {
    expect(anthropic.requests.some((r) => r.headers['x-api-key'] === ANTHROPIC_KEY)).toBe(true);
    expect(gemini.requests.some((r) => r.headers['x-goog-api-key'] === GEMINI_KEY)).toBe(true);
    expect(cohere.requests.some((r) => r.headers.authorization === `Bearer ${COHERE_KEY}`)).toBe(true);
    for (const key of [ANTHROPIC_KEY, GEMINI_KEY, COHERE_KEY]) expect(gw.logs()).not.toContain(key);
  });

  it('the events hold masked keys only', async () => {
    const all = await gw.gateway.runtime.eventStore.readAll();
    const text = JSON.stringify(all.map((e) => e.data));
    for (const key of [ANTHROPIC_KEY, GEMINI_KEY, COHERE_KEY]) expect(text).not.toContain(key);
    expect(all.filter((e) => e.type === 'PlatformKeySet')).toHaveLength(3);
  });
});
