import { probeContract } from '../testing/probe-contract';
import { expectNoKey, upstreamErrorOf } from '../testing/upstream-test-helpers';
import type { ProbeTarget } from '../upstream-provider.port';
import { GeminiProvider } from './gemini.provider';
import { FAKE_GEMINI_HEADERS as H, startFakeGemini, type FakeGemini } from './testing/fake-gemini-server';

const API_KEY = 'AIzaSyD-fake0123456789abcdefghijklmnopq';
// More than Gemini's default page of 50, so the probe must ask for a bigger page.
const MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', ...Array.from({ length: 60 }, (_, i) => `gemma-${i}`)];

describe('GeminiProvider.probe against the fake Gemini server', () => {
  let fake: FakeGemini;
  let target: ProbeTarget;
  const lastRequest = () => {
    const last = fake.requests.at(-1);
    if (!last) throw new Error('no request reached the fake');
    return last;
  };

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKey: API_KEY, models: MODELS });
    target = { providerSlug: 'gemini', baseUrl: fake.baseUrl, apiKey: API_KEY, timeoutMs: 5_000 };
  });
  afterAll(() => fake.close());

  probeContract('gemini', {
    makeProvider: () => new GeminiProvider(),
    target: () => target,
    models: MODELS,
    rateLimited: (seconds) => ({
      ...target,
      extraHeaders: { [H.fail]: '429', [H.retryAfter]: String(seconds) },
    }),
    keySeen: () => {
      const key = lastRequest().headers['x-goog-api-key'];
      return Array.isArray(key) ? key[0] : key;
    },
  });

  describe('beyond the contract', () => {
    let provider: GeminiProvider;
    beforeEach(() => {
      provider = new GeminiProvider();
    });
    afterEach(() => provider.close());

    it('GETs /v1beta/models?pageSize=1000 with x-goog-api-key, never the key in the URL, ids without models/', async () => {
      const result = await provider.probe({ ...target, baseUrl: `${fake.baseUrl}?key=${API_KEY}` });

      expect(result.models).toEqual(MODELS);
      const sent = lastRequest();
      expect(sent.path).toBe('/v1beta/models');
      expect(sent.query).toEqual({ pageSize: '1000' });
      expect(sent.headers['x-goog-api-key']).toBe(API_KEY);
      expect(sent.headers['authorization']).toBeUndefined();
    });

    it('maps an invalid key (HTTP 400 API_KEY_INVALID) to auth', async () => {
      const wrongKey = 'AIzaSyWRONG-0123456789abcdefghijklmnop';
      const error = await upstreamErrorOf(() => provider.probe({ ...target, apiKey: wrongKey }));

      expect(error.kind).toBe('auth');
      expect(error.status).toBe(400);
      expect(error.upstreamMessage).toContain('API key not valid');
      expectNoKey(error, wrongKey);
    });

    it('redacts a key echoed in a 401 and reads RetryInfo on a 429 without retry-after', async () => {
      const unauthenticated = await upstreamErrorOf(() =>
        provider.probe({ ...target, extraHeaders: { [H.fail]: '401' } }),
      );
      expect(unauthenticated.kind).toBe('auth');
      expectNoKey(unauthenticated, API_KEY);

      const limited = await upstreamErrorOf(() =>
        provider.probe({ ...target, extraHeaders: { [H.fail]: '429', [H.retryDelay]: '12.5s' } }),
      );
      expect(limited.kind).toBe('rate_limited');
      expect(limited.retryAfterMs).toBe(12_500);
    });

    it('reads an empty listing ({}) as no models', async () => {
      const empty = await startFakeGemini({ apiKey: API_KEY, models: [] });
      try {
        const result = await provider.probe({ ...target, baseUrl: empty.baseUrl });
        expect(result).toMatchObject({ status: 200, models: [] });
      } finally {
        await empty.close();
      }
    });

    it('maps a slow listing to timeout', async () => {
      // A timeout, not the 3 s answer: the kind says which ended the call (no wall-clock bound).
      const error = await upstreamErrorOf(() =>
        provider.probe({ ...target, timeoutMs: 150, extraHeaders: { [H.latencyMs]: '3000' } }),
      );

      expect(error.kind).toBe('timeout');
    });
  });
});
