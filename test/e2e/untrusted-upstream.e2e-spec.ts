import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { toRequestStreamId, type UsageRecorded } from '@gw/routing';
import { UPSTREAM_TEXT_BOUNDS } from '@gw/shared-kernel';
import { newUser } from './support/accounts';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * What an upstream says is untrusted input (a user's own endpoint above all): a fake OpenAI-compatible
 * endpoint, added by a starter user as their custom endpoint, answers with impossible usage and a
 * 1.2 MB finish_reason. The recorded usage is the gateway's estimate, flagged `usageClamped`; the
 * tokens-per-minute window is not lifted; UsageRecorded stays a few KB.
 */

/** What the fake upstream answers next: raw JSON text for `usage` (so 1e400 and -1e9 go as written). */
interface Answer {
  usage?: string;
  finishReason?: string;
}

const CONTENT = 'The quick brown fox jumps over the lazy dog.';

function startFakeUpstream(next: () => Answer): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ object: 'list', data: [{ id: 'my-llm', object: 'model', owned_by: 'me' }] }),
        );
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { stream?: boolean };
      const answer = next();
      const finish = JSON.stringify(answer.finishReason ?? 'stop');
      const usage = answer.usage === undefined ? '' : `,"usage":${answer.usage}`;
      const head = `"id":"chatcmpl-fake","created":1700000000,"model":"my-llm"`;
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(
          `data: {${head},"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":${JSON.stringify(CONTENT)}},"finish_reason":null}]}\n\n`,
        );
        res.write(
          `data: {${head},"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":${finish}}]}\n\n`,
        );
        if (usage) res.write(`data: {${head},"object":"chat.completion.chunk","choices":[]${usage}}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        `{${head},"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(CONTENT)}},"finish_reason":${finish}}]${usage}}`,
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

const TPM = 5_000;
const MAX_TOKENS = 1_000;

describeBackends('untrusted upstream answers', (backend) => {
  let gw: TestGateway;
  let upstream: { url: string; server: Server };
  let answer: Answer = {};
  const as = (key: string) => ({
    get: (p: string) => request(gw.baseUrl).get(p).set('authorization', `Bearer ${key}`),
    post: (p: string) => request(gw.baseUrl).post(p).set('authorization', `Bearer ${key}`),
    put: (p: string) => request(gw.baseUrl).put(p).set('authorization', `Bearer ${key}`),
  });

  /** A new starter user whose custom endpoint is the fake upstream; returns their key and its model id. */
  const userWithEndpoint = async (): Promise<{ apiKey: string; model: string }> => {
    const { apiKey } = await newUser(
      gw.baseUrl,
      gw.adminKey,
      'starter',
      `untrusted ${randomUUID().slice(0, 8)}`,
    );
    const added = await as(apiKey)
      .post('/api/v1/me/keys')
      .send({
        provider: 'custom',
        baseUrl: `${upstream.url}/v1`,
        models: ['my-llm'],
        apiKey: `custom-${randomBytes(16).toString('hex')}`,
      })
      .expect(201);
    return { apiKey, model: (added.body.models as string[])[0]! };
  };

  const usageOf = async (res: request.Response): Promise<{ data: UsageRecorded['data']; json: string }> => {
    const requestId = res.headers['x-switchyard-request-id'] as string;
    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(requestId));
    const usage = events.find((e) => e.type === 'UsageRecorded');
    if (!usage) throw new Error(`no UsageRecorded for ${requestId}: ${events.map((e) => e.type).join(', ')}`);
    return {
      data: usage.data as UsageRecorded['data'],
      json: JSON.stringify(usage, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    };
  };

  const ask = (apiKey: string, model: string, stream: boolean, maxTokens = MAX_TOKENS) =>
    as(apiKey)
      .post('/v1/chat/completions')
      .send({
        model,
        messages: [{ role: 'user', content: 'Say something about foxes.' }],
        max_tokens: maxTokens,
        ...(stream && { stream: true, stream_options: { include_usage: true } }),
      })
      .expect(200);

  /** What the gateway counts for this answer when the upstream reports no usage at all. */
  let estimate: { json: UsageRecorded['data']; stream: UsageRecorded['data'] };

  beforeAll(async () => {
    upstream = await startFakeUpstream(() => answer);
    // User-supplied URLs may reach this host's fake upstream; the product's limits, starter tpm set here.
    gw = await startTestGateway(backend, { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1' }, { rateLimits: 'defaults' });
    await as(gw.adminKey)
      .put('/api/v1/admin/limits')
      .send({ tiers: { starter: { rpm: 1_000, rph: null, rpd: null, tpm: TPM } } })
      .expect(200);
    const { apiKey, model } = await userWithEndpoint();
    answer = {};
    const json = (await usageOf(await ask(apiKey, model, false))).data;
    const stream = (await usageOf(await ask(apiKey, model, true))).data;
    expect(json).toMatchObject({ estimated: true, completionTokens: expect.any(Number) });
    expect(json.usageClamped).toBeUndefined();
    estimate = { json, stream };
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await new Promise((resolve) => upstream?.server.close(resolve));
  });

  describe.each([
    ['JSON', false],
    ['stream', true],
  ])('%s answers', (_, stream) => {
    it.each([
      [
        'prompt_tokens -1e9',
        '{"prompt_tokens":-1e9,"completion_tokens":5,"total_tokens":-999999995}',
        ['prompt'],
      ],
      [
        'prompt_tokens 1e400 (Infinity)',
        '{"prompt_tokens":1e400,"completion_tokens":5,"total_tokens":5}',
        ['prompt'],
      ],
      [
        'prompt_tokens "12" (a string)',
        '{"prompt_tokens":"12","completion_tokens":5,"total_tokens":17}',
        ['prompt'],
      ],
      ['prompt_tokens 12.5', '{"prompt_tokens":12.5,"completion_tokens":5,"total_tokens":17.5}', ['prompt']],
      [
        'prompt_tokens 1e15 (huge)',
        '{"prompt_tokens":1e15,"completion_tokens":5,"total_tokens":1e15}',
        ['prompt'],
      ],
      [
        'both counts negative and cached above the prompt',
        '{"prompt_tokens":-1e9,"completion_tokens":-1e9,"total_tokens":-2e9,"prompt_tokens_details":{"cached_tokens":1e9}}',
        ['prompt', 'completion'],
      ],
    ])(
      'usage %s: the estimate is recorded, flagged, and tokens per minute are not lifted',
      async (_case, usage, refused) => {
        const { apiKey, model } = await userWithEndpoint();
        answer = { usage };
        const res = await ask(apiKey, model, stream);
        const { data } = await usageOf(res);
        const expected = stream ? estimate.stream : estimate.json;
        expect(data).toMatchObject({
          promptTokens: expected.promptTokens,
          completionTokens: refused.includes('completion') ? expected.completionTokens : 5,
          cachedTokens: 0,
          estimated: false,
          usageClamped: true,
        });
        expect(BigInt(data.chargedMicros)).toBeGreaterThanOrEqual(0n);
        expect(BigInt(data.providerCostMicros)).toBeLessThan(1_000_000n);

        // The window still holds what the answer was admitted with (at least its max_tokens): a
        // request may not ask for more than is left.
        answer = {};
        const probe = await ask(apiKey, model, false, 1);
        const remaining = Number(probe.headers['x-ratelimit-remaining-tokens']);
        expect(remaining).toBeLessThanOrEqual(TPM - MAX_TOKENS);
        const tooMuch = await as(apiKey)
          .post('/v1/chat/completions')
          .send({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: TPM - MAX_TOKENS + 1 });
        expect(tooMuch.status).toBe(429);
      },
      30_000,
    );

    it('a finish_reason of 1.2 MB: UsageRecorded stays under 4 KB, the reason cut to 64 characters', async () => {
      const { apiKey, model } = await userWithEndpoint();
      answer = {
        usage: '{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}',
        finishReason: `stop_${'x'.repeat(1_200_000)}`,
      };
      const res = await ask(apiKey, model, stream);
      const { data, json } = await usageOf(res);
      expect(json.length).toBeLessThan(4_096);
      expect(data.finishReason!.length).toBeLessThanOrEqual(UPSTREAM_TEXT_BOUNDS.finishReason);
      expect(data.finishReason).toMatch(/^stop_x+…$/);
      expect(data).toMatchObject({ promptTokens: 9, completionTokens: 5, estimated: false });
      expect(data.usageClamped).toBeUndefined();
    }, 30_000);
  });

  it('a valid report is recorded as reported, unflagged', async () => {
    const { apiKey, model } = await userWithEndpoint();
    answer = {
      usage:
        '{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18,"prompt_tokens_details":{"cached_tokens":3}}',
    };
    const { data } = await usageOf(await ask(apiKey, model, false));
    expect(data).toMatchObject({ promptTokens: 11, completionTokens: 7, cachedTokens: 3, estimated: false });
    expect(data.usageClamped).toBeUndefined();
  }, 30_000);
});
