import { probeContract } from '../testing/probe-contract';
import { expectNoKey, upstreamErrorOf } from '../testing/upstream-test-helpers';
import type { ProbeTarget } from '../upstream-provider.port';
import { AnthropicProvider } from './anthropic.provider';
import { startFakeAnthropicServer, type FakeAnthropicServer } from './testing/fake-anthropic-server';

const API_KEY = 'sk-ant-api03-0123456789abcdefSECRET';
const MODELS = Array.from({ length: 25 }, (_, i) => `claude-fake-${i}-20250101`);

describe('AnthropicProvider.probe against a fake Anthropic server', () => {
  let fake: FakeAnthropicServer;
  let target: ProbeTarget;
  const lastRequest = () => {
    const last = fake.requests.at(-1);
    if (!last) throw new Error('the fake received no request');
    return last;
  };

  beforeAll(async () => {
    // More than Anthropic's default page of 20, so the probe must ask for a bigger page.
    fake = await startFakeAnthropicServer({ apiKey: API_KEY, models: MODELS });
    target = { providerSlug: 'anthropic', baseUrl: `${fake.url}/v1`, apiKey: API_KEY, timeoutMs: 5_000 };
  });
  afterAll(() => fake.close());

  probeContract('anthropic', {
    makeProvider: () => new AnthropicProvider(),
    target: () => target,
    models: MODELS,
    rateLimited: (seconds) => {
      fake.enqueue({
        kind: 'error',
        status: 429,
        errorType: 'rate_limit_error',
        message: 'Number of requests has exceeded your rate limit',
        headers: { 'retry-after': String(seconds) },
      });
      return target;
    },
    keySeen: () => {
      const key = lastRequest().headers['x-api-key'];
      return Array.isArray(key) ? key[0] : key;
    },
  });

  describe('beyond the contract', () => {
    let provider: AnthropicProvider;
    beforeEach(() => {
      provider = new AnthropicProvider();
    });
    afterEach(() => provider.close());

    it('GETs /v1/models?limit=1000 with x-api-key and anthropic-version, never as Bearer', async () => {
      const result = await provider.probe({ ...target, extraHeaders: { 'anthropic-beta': 'fake-beta' } });

      expect(result.models).toEqual(MODELS);
      const sent = lastRequest();
      expect(sent.path).toBe('/v1/models?limit=1000');
      expect(sent.headers['x-api-key']).toBe(API_KEY);
      expect(sent.headers['anthropic-version']).toBe('2023-06-01');
      expect(sent.headers['anthropic-beta']).toBe('fake-beta');
      expect(sent.headers['authorization']).toBeUndefined();
    });

    it('maps a wrong key to auth (HTTP 401) with the Anthropic message', async () => {
      const wrongKey = 'sk-ant-api03-wrong9876543210SECRET';
      const error = await upstreamErrorOf(() => provider.probe({ ...target, apiKey: wrongKey }));

      expect(error.kind).toBe('auth');
      expect(error.status).toBe(401);
      expect(error.upstreamMessage).toBe('invalid x-api-key');
      expectNoKey(error, wrongKey);
    });

    it('maps 529 overloaded to server', async () => {
      fake.enqueue({ kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });

      const error = await upstreamErrorOf(() => provider.probe(target));

      expect(error.kind).toBe('server');
      expect(error.status).toBe(529);
      expect(error.upstreamMessage).toBe('Overloaded');
    });
  });
});
