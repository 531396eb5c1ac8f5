import { eventually } from '@gw/shared-kernel/testing';
import { probeContract } from '../testing/probe-contract';
import { expectNoKey, upstreamErrorOf } from '../testing/upstream-test-helpers';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MOCK_HEADERS, startMockProvider, type MockProvider } from '../mock/start-mock-provider';
import { MAX_PROBED_MODELS, type ProbeTarget } from '../upstream-provider.port';
import { OpenAICompatibleProvider } from './openai-compatible.provider';

const API_KEY = 'sk-live-0123456789abcdefSECRET';
const MODELS = ['upstream-model', 'upstream-large'];

describe('OpenAICompatibleProvider.probe against the mock provider', () => {
  let mock: MockProvider;
  let target: ProbeTarget;

  beforeAll(async () => {
    mock = await startMockProvider({ seed: 5, requireApiKey: API_KEY, models: MODELS });
    target = { providerSlug: 'mock-a', baseUrl: `${mock.url}/v1`, apiKey: API_KEY, timeoutMs: 5_000 };
  });
  afterAll(() => mock.close());

  // The mock answers only `Authorization: Bearer <API_KEY>`, so a listing proves the header.
  probeContract('openai-compatible (mock provider)', {
    makeProvider: () => new OpenAICompatibleProvider(),
    target: () => target,
    models: MODELS,
    rateLimited: (seconds) => ({
      ...target,
      extraHeaders: { [MOCK_HEADERS.fail]: '429', [MOCK_HEADERS.retryAfter]: String(seconds) },
    }),
  });

  describe('beyond the contract', () => {
    let provider: OpenAICompatibleProvider;
    beforeEach(() => {
      provider = new OpenAICompatibleProvider();
    });
    afterEach(() => provider.close());

    it('fails while the mock is told to fail (failWith), and lists again once cleared', async () => {
      mock.failWith(503, 4);
      try {
        const error = await upstreamErrorOf(() => provider.probe(target));
        expect(error.kind).toBe('server');
        expect(error.status).toBe(503);
        expect(error.retryAfterMs).toBe(4_000);
      } finally {
        mock.failWith(null);
      }

      expect((await provider.probe(target)).models).toEqual(MODELS);
    });

    it('maps 401 to auth with the mock message, without the key', async () => {
      const wrongKey = 'sk-wrong-0000111122223333SECRET';
      const error = await upstreamErrorOf(() => provider.probe({ ...target, apiKey: wrongKey }));

      expect(error.kind).toBe('auth');
      expect(error.status).toBe(401);
      expect(error.upstreamMessage).toContain('Incorrect API key');
      expectNoKey(error, wrongKey);
    });

    it('maps a slow listing to timeout within the target timeout', async () => {
      const error = await upstreamErrorOf(() =>
        provider.probe({ ...target, timeoutMs: 150, extraHeaders: { [MOCK_HEADERS.latencyMs]: '3000' } }),
      );

      // The timeout, not the 3 s answer, ended the call: the kind says so (no wall-clock bound).
      expect(error.kind).toBe('timeout');
    });

    it('measures the latency of the round trip', async () => {
      const result = await provider.probe({ ...target, extraHeaders: { [MOCK_HEADERS.latencyMs]: '120' } });

      expect(result.latencyMs).toBeGreaterThanOrEqual(100);
    });

    it('rethrows the caller abort as is', async () => {
      const controller = new AbortController();
      const before = mock.stats().requests;
      const pending = provider.probe(
        { ...target, extraHeaders: { [MOCK_HEADERS.latencyMs]: '2000' } },
        controller.signal,
      );
      // Cancelled once the probe is in flight (the mock holds its answer for 2 s).
      await eventually(() => (mock.stats().requests > before ? true : undefined), 5_000, 'the probe');
      controller.abort(new Error('probe cancelled'));

      await expect(pending).rejects.toThrow('probe cancelled');
    });

    it(`returns at most ${MAX_PROBED_MODELS} models`, async () => {
      const many = Array.from({ length: MAX_PROBED_MODELS + 200 }, (_, i) => `model-${i}`);
      const big = await startMockProvider({ models: many });
      try {
        const result = await provider.probe({ ...target, baseUrl: `${big.url}/v1` });

        expect(result.models).toHaveLength(MAX_PROBED_MODELS);
        expect(result.models[0]).toBe('model-0');
        expect(result.models.at(-1)).toBe(`model-${MAX_PROBED_MODELS - 1}`);
      } finally {
        await big.close();
      }
    });
  });
});

describe('OpenAICompatibleProvider.probe against a scripted server', () => {
  let server: Server;
  let url: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  let seen: { method?: string; path?: string; headers: IncomingMessage['headers']; body: string };
  const provider = new OpenAICompatibleProvider();
  const target = (): ProbeTarget => ({
    providerSlug: 'scripted',
    baseUrl: `${url}/openai/v1/?key=leaked&region=eu`,
    apiKey: API_KEY,
    timeoutMs: 2_000,
    extraHeaders: { 'http-referer': 'https://switchyard.example' },
  });
  const answer =
    (status: number, body: string, headers: Record<string, string> = {}) =>
    (_req: IncomingMessage, res: ServerResponse): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (piece: string) => (body += piece));
      req.on('end', () => {
        seen = { method: req.method, path: req.url, headers: req.headers, body };
        handler(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await provider.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('GETs {baseUrl}/models with the Bearer key and extra headers, no body, no key in the URL', async () => {
    handler = answer(
      200,
      JSON.stringify({ object: 'list', data: [{ id: 'a' }, { id: 'b', object: 'model' }] }),
    );

    const result = await provider.probe(target());

    expect(result).toMatchObject({ status: 200, models: ['a', 'b'] });
    expect(seen.method).toBe('GET');
    expect(seen.path).toBe('/openai/v1/models?region=eu');
    expect(seen.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(seen.headers['http-referer']).toBe('https://switchyard.example');
    expect(seen.headers['accept']).toBe('application/json');
    expect(seen.headers['content-type']).toBeUndefined();
    expect(seen.body).toBe('');
  });

  it('skips entries without an id and sends no authorization without a key', async () => {
    handler = answer(200, JSON.stringify({ data: [{ id: 'x' }, { name: 'no-id' }, null, { id: 7 }] }));

    const result = await provider.probe({ ...target(), apiKey: undefined });

    expect(result.models).toEqual(['x']);
    expect(seen.headers['authorization']).toBeUndefined();
  });

  it('maps a 2xx that is not a model list, or not JSON, to server', async () => {
    handler = answer(200, JSON.stringify({ choices: [] }));
    const notList = await upstreamErrorOf(() => provider.probe(target()));
    expect(notList.kind).toBe('server');
    expect(notList.upstreamMessage).toBe('the answer is not a model list');

    handler = answer(200, '<html>hello</html>');
    const notJson = await upstreamErrorOf(() => provider.probe(target()));
    expect(notJson.kind).toBe('server');
    expect(notJson.upstreamMessage).toBe('the answer is not JSON');
  });

  it('maps 5xx to server, 404 to not_found, and redacts a key the upstream echoes', async () => {
    handler = answer(502, JSON.stringify({ error: { message: `bad gateway for Bearer ${API_KEY}` } }));
    const server = await upstreamErrorOf(() => provider.probe(target()));
    expect(server.kind).toBe('server');
    expect(server.status).toBe(502);
    expectNoKey(server, API_KEY);

    handler = answer(404, JSON.stringify({ detail: 'Not Found' }));
    const missing = await upstreamErrorOf(() => provider.probe(target()));
    expect(missing.kind).toBe('not_found');
    expect(missing.upstreamMessage).toBe('Not Found');
  });

  it('maps 429 with retry-after-ms to rate_limited', async () => {
    handler = answer(429, JSON.stringify({ error: { message: 'slow down' } }), { 'retry-after-ms': '1500' });

    const error = await upstreamErrorOf(() => provider.probe(target()));

    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(1_500);
  });
});
