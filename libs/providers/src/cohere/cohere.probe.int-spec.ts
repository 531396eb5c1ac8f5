import { probeContract } from '../testing/probe-contract';
import { expectNoKey, upstreamErrorOf } from '../testing/upstream-test-helpers';
import type { ProbeTarget } from '../upstream-provider.port';
import { CohereProvider } from './cohere.provider';
import {
  FAKE_COHERE_HEADERS,
  startFakeCohereServer,
  type FakeCohereServer,
} from './testing/fake-cohere-server';

const API_KEY = 'co-live-0123456789abcdefSECRET';
// More than Cohere's default page of 20, so the probe must ask for a bigger page.
const MODELS = ['command-a-03-2025', 'embed-v4.0', ...Array.from({ length: 30 }, (_, i) => `command-r-${i}`)];

describe('CohereProvider.probe against a fake Cohere server', () => {
  let fake: FakeCohereServer;
  let target: ProbeTarget;
  const lastGet = () => {
    const last = fake.gets.at(-1);
    if (!last) throw new Error('the fake received no GET');
    return last;
  };

  beforeAll(async () => {
    fake = await startFakeCohereServer({ apiKey: API_KEY, models: MODELS });
    target = { providerSlug: 'cohere', baseUrl: fake.baseUrl, apiKey: API_KEY, timeoutMs: 5_000 };
  });
  afterAll(() => fake.close());

  probeContract('cohere', {
    makeProvider: () => new CohereProvider(),
    target: () => target,
    models: MODELS,
    rateLimited: (seconds) => ({
      ...target,
      extraHeaders: {
        [FAKE_COHERE_HEADERS.fail]: '429',
        [FAKE_COHERE_HEADERS.retryAfter]: String(seconds),
      },
    }),
    keySeen: () => {
      const auth = lastGet().headers['authorization'];
      return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    },
  });

  describe('beyond the contract', () => {
    let provider: CohereProvider;
    beforeEach(() => {
      provider = new CohereProvider();
    });
    afterEach(() => provider.close());

    it('lists under /v1 of a /v2 base URL (with or without a trailing slash), with the Bearer key', async () => {
      expect(fake.baseUrl).toMatch(/\/v2$/);

      for (const baseUrl of [fake.baseUrl, `${fake.baseUrl}/`]) {
        const result = await provider.probe({ ...target, baseUrl });

        expect(result.models).toEqual(MODELS);
        expect(lastGet().path).toBe('/v1/models?page_size=1000');
        expect(lastGet().headers['authorization']).toBe(`Bearer ${API_KEY}`);
      }
    });

    it('keeps a base path that does not end in /v2', async () => {
      const error = await upstreamErrorOf(() =>
        provider.probe({ ...target, baseUrl: `${fake.url}/compat/v3` }),
      );

      expect(lastGet().path).toBe('/compat/v3/models?page_size=1000');
      expect(error.kind).toBe('not_found');
    });

    it('maps a wrong key to auth (HTTP 401) and redacts the token the server echoes', async () => {
      const wrongKey = 'co-wrong-9876543210zyxwvuSECRET';
      const error = await upstreamErrorOf(() => provider.probe({ ...target, apiKey: wrongKey }));

      expect(error.kind).toBe('auth');
      expect(error.status).toBe(401);
      expect(error.upstreamMessage).toContain('invalid api token');
      expectNoKey(error, wrongKey);
    });

    it('maps 503 to server with its retry-after', async () => {
      const error = await upstreamErrorOf(() =>
        provider.probe({
          ...target,
          extraHeaders: { [FAKE_COHERE_HEADERS.fail]: '503', [FAKE_COHERE_HEADERS.retryAfter]: '2' },
        }),
      );

      expect(error.kind).toBe('server');
      expect(error.retryAfterMs).toBe(2_000);
      expectNoKey(error, API_KEY);
    });
  });
});
