import { eventually } from '@gw/shared-kernel/testing';
import { collect, expectNoKey, upstreamErrorOf } from '../testing/upstream-test-helpers';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import { startMockProvider, type MockProvider } from '../mock/start-mock-provider';
import type { UpstreamTarget } from '../upstream-provider.port';
import { OpenAICompatibleProvider } from './openai-compatible.provider';

const API_KEY = 'sk-live-0123456789abcdefSECRET';

const request = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'client-facing-alias',
  messages: [{ role: 'user', content }],
  temperature: 0,
  ...extra,
});

describe('OpenAICompatibleProvider against the mock provider', () => {
  let mock: MockProvider;
  let provider: OpenAICompatibleProvider;
  let target: UpstreamTarget;
  const withHeaders = (
    extraHeaders: Record<string, string>,
    timeoutMs = target.timeoutMs,
  ): UpstreamTarget => ({
    ...target,
    extraHeaders,
    timeoutMs,
  });

  beforeAll(async () => {
    mock = await startMockProvider({ seed: 11, requireApiKey: API_KEY, models: ['upstream-model'] });
    target = {
      providerSlug: 'mock-a',
      baseUrl: `${mock.url}/v1`,
      apiKey: API_KEY,
      upstreamModel: 'upstream-model',
      timeoutMs: 5_000,
    };
  });
  beforeEach(() => {
    provider = new OpenAICompatibleProvider();
  });
  afterEach(() => provider.close());
  afterAll(() => mock.close());

  it('completes with the target model and the Bearer key', async () => {
    const completion = await provider.complete(target, request('Explain retries with jitter'));

    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('upstream-model'); // the mock echoes the model it was sent
    expect(completion.choices[0]?.message.content).toMatch(/\w+/);
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams chunks that reassemble to the non-streamed text, always with a usage chunk', async () => {
    const question = request('Explain retries with jitter');
    const whole = await provider.complete(target, question);
    const chunks = await collect(provider.stream(target, { ...question, stream: true }));

    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0]?.message.content);
    const usage = chunks.find((c) => c.choices.length === 0)?.usage;
    expect(usage).toEqual(whole.usage);
    expect(chunks.filter((c) => c.choices.some((choice) => choice.finish_reason === 'stop'))).toHaveLength(1);
  });

  it('reuses one keep-alive connection across sequential requests and streams', async () => {
    const single = new OpenAICompatibleProvider({ connectionsPerOrigin: 1 });
    try {
      const before = mock.stats().connections;
      for (let i = 0; i < 10; i += 1) await single.complete(target, request(`question ${i}`));
      for (let i = 0; i < 10; i += 1) await collect(single.stream(target, request(`question ${i}`)));

      expect(mock.stats().connections - before).toBe(1);
    } finally {
      await single.close();
    }
  });

  it('keeps reusing pooled connections without a per-origin limit', async () => {
    const before = mock.stats().connections;
    // undici may open a second socket while the first is still being released after its first answer.
    await provider.complete(target, request('warm up 1'));
    await provider.complete(target, request('warm up 2'));
    const warm = mock.stats().connections;
    for (let i = 0; i < 30; i += 1) await provider.complete(target, request(`question ${i}`));

    expect(warm - before).toBeLessThanOrEqual(2);
    expect(mock.stats().connections).toBe(warm);
  });

  it('drops the connection of a stream the consumer abandons, and still works afterwards', async () => {
    const single = new OpenAICompatibleProvider({ connectionsPerOrigin: 1 });
    try {
      const before = mock.stats().connections;
      await single.complete(target, request('warm up'));
      const slow = withHeaders({ 'x-mock-chunk-delay-ms': '20' });
      for await (const chunk of single.stream(slow, request('a long answer please'))) {
        expect(chunk.object).toBe('chat.completion.chunk');
        break;
      }
      const after = await single.complete(target, request('still there?'));

      expect(after.choices).toHaveLength(1);
      expect(mock.stats().connections - before).toBe(2);
    } finally {
      await single.close();
    }
  });

  it('maps 429 with retry-after to rate_limited with retryAfterMs', async () => {
    const error = await upstreamErrorOf(() =>
      provider.complete(withHeaders({ 'x-mock-fail': '429', 'x-mock-retry-after': '2' }), request('hi')),
    );

    expect(error.kind).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(2_000);
    expect(error.retryable).toBe(true);
    expect(error.providerSlug).toBe('mock-a');
    expect(error.upstreamMessage).toContain('Rate limit reached');
  });

  it('maps 401 to auth and never exposes the key', async () => {
    const wrongKey = 'sk-wrong-9876543210zyxwvuSECRET';
    const error = await upstreamErrorOf(() =>
      provider.complete({ ...target, apiKey: wrongKey }, request('hi')),
    );

    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(true);
    expect(error.upstreamMessage).toContain('Incorrect API key');
    expectNoKey(error, wrongKey);
    expectNoKey(error, API_KEY);
  });

  it('maps 500 to server, 404 to not_found and 400 to bad_request with the upstream message', async () => {
    const server = await upstreamErrorOf(() =>
      provider.complete(withHeaders({ 'x-mock-fail': '500' }), request('hi')),
    );
    expect(server.kind).toBe('server');
    expect(server.status).toBe(500);
    expect(server.retryable).toBe(true);

    const missing = await upstreamErrorOf(() =>
      provider.complete({ ...target, upstreamModel: 'no-such-model' }, request('hi')),
    );
    expect(missing.kind).toBe('not_found');
    expect(missing.upstreamMessage).toContain('no-such-model');

    const invalid = await upstreamErrorOf(() => provider.complete(target, request('hi', { n: 0 })));
    expect(invalid.kind).toBe('bad_request');
    expect(invalid.status).toBe(400);
    expect(invalid.retryable).toBe(false);
    expect(invalid.upstreamMessage).toContain("Invalid 'n'");
  });

  it('maps an error answer to a stream request the same way, before any chunk', async () => {
    const stream = provider.stream(withHeaders({ 'x-mock-fail': '503' }), request('hi'));
    const error = await upstreamErrorOf(() => collect(stream));

    expect(error.kind).toBe('server');
    expect(error.status).toBe(503);
    expect(error.retryAfterMs).toBe(1_000);
  });

  it('maps a refused connection to connection', async () => {
    const port = await freePort();
    const error = await upstreamErrorOf(() =>
      provider.complete({ ...target, baseUrl: `http://127.0.0.1:${port}/v1` }, request('hi')),
    );

    expect(error.kind).toBe('connection');
    expect(error.upstreamMessage).toContain('ECONNREFUSED');
    expect(error.retryable).toBe(true);
  });

  it('maps a slow answer to timeout within the attempt timeout', async () => {
    const error = await upstreamErrorOf(() =>
      provider.complete(withHeaders({ 'x-mock-latency-ms': '10000' }, 150), request('hi')),
    );

    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
    // The 150 ms attempt timeout, not the 10 s answer, ended the call: the kind says so. (A wall-clock
    // bound here flaked on loaded CI boxes: 1,002 ms was seen against a 1 s bound.)
  });

  it('maps a stream cut in the middle to stream_interrupted after the chunks already received', async () => {
    const received: ChatCompletionChunk[] = [];
    const error = await upstreamErrorOf(async () => {
      for await (const chunk of provider.stream(
        withHeaders({ 'x-mock-cut-stream': '4', 'x-mock-chunk-delay-ms': '5' }),
        request('tell me a long story'),
      )) {
        received.push(chunk);
      }
    });

    expect(received).toHaveLength(4);
    expect(error.kind).toBe('stream_interrupted');
    expect(error.retryable).toBe(false);
  });

  it('maps a stalled stream to stream_interrupted once the body timeout passes', async () => {
    const received: ChatCompletionChunk[] = [];
    const error = await upstreamErrorOf(async () => {
      for await (const chunk of provider.stream(
        withHeaders({ 'x-mock-chunk-delay-ms': '1500' }, 150),
        request('hi'),
      )) {
        received.push(chunk);
      }
    });

    expect(received.length).toBeGreaterThan(0);
    expect(error.kind).toBe('stream_interrupted');
    expect(error.upstreamMessage).toContain('timeout');
  });

  it('rethrows the caller abort as is', async () => {
    const controller = new AbortController();
    const before = mock.stats().requests;
    const pending = provider.complete(
      withHeaders({ 'x-mock-latency-ms': '2000' }),
      request('hi'),
      controller.signal,
    );
    // The client goes away once the request is in flight (the mock holds its answer for 2 s).
    await eventually(() => (mock.stats().requests > before ? true : undefined), 5_000, 'the request');
    controller.abort(new Error('client went away'));

    await expect(pending).rejects.toThrow('client went away');
  });

  it('maps an unusable base URL to connection without echoing it', async () => {
    const error = await upstreamErrorOf(() =>
      provider.complete({ ...target, baseUrl: 'not a url?token=abc' }, request('hi')),
    );
    expect(error.kind).toBe('connection');
    expect(error.message).not.toContain('token=abc');
  });
});

describe('OpenAICompatibleProvider against a scripted server', () => {
  let server: Server;
  let url: string;
  let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  let seen: { headers: IncomingMessage['headers']; body: Record<string, unknown>; path: string | undefined };
  const provider = new OpenAICompatibleProvider();
  const target = (): UpstreamTarget => ({
    providerSlug: 'scripted',
    baseUrl: `${url}/openai/v1`,
    apiKey: API_KEY,
    upstreamModel: 'vendor/model-x',
    timeoutMs: 2_000,
    extraHeaders: { 'http-referer': 'https://switchyard.example' },
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (piece: string) => (body += piece));
      req.on('end', () => {
        seen = { headers: req.headers, body: JSON.parse(body) as Record<string, unknown>, path: req.url };
        handler(req, body, res);
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

  const chunk = (content: string | null, finish: string | null = null): string =>
    JSON.stringify({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'vendor/model-x',
      choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
    });

  it('sends the upstream model, the key, extra headers and OpenAI parameters only; forces include_usage on streams', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${chunk('hi')}\n\ndata: ${chunk(null, 'stop')}\n\ndata: [DONE]\n\n`);
    };
    await collect(
      provider.stream(target(), {
        ...request('hi'),
        top_k: 40,
        seed: 7,
        stream_options: { include_usage: false },
      }),
    );

    expect(seen.path).toBe('/openai/v1/chat/completions');
    expect(seen.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(seen.headers['http-referer']).toBe('https://switchyard.example');
    expect(seen.body['model']).toBe('vendor/model-x');
    expect(seen.body['seed']).toBe(7);
    expect(seen.body).not.toHaveProperty('top_k'); // a vendor extension: not among OpenAI's parameters
    expect(seen.body['stream']).toBe(true);
    expect(seen.body['stream_options']).toEqual({ include_usage: true });
  });

  it('sends stream: false and no stream_options on complete, and no authorization without a key', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [] }));
    };
    await provider.complete(
      { ...target(), apiKey: undefined },
      { ...request('hi'), stream: true, stream_options: { include_usage: true } },
    );

    expect(seen.body['stream']).toBe(false);
    expect('stream_options' in seen.body).toBe(false);
    expect(seen.headers['authorization']).toBeUndefined();
  });

  it('parses CRLF framing, comments, multi-event writes and events split across writes', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const wire = `: keep-alive\r\n\r\ndata: ${chunk('Hel')}\r\n\r\ndata: ${chunk('lo ✓')}\r\n\r\n: ping\r\n\r\ndata: ${chunk(null, 'stop')}\r\n\r\ndata: [DONE]\r\n\r\n`;
      const bytes = Buffer.from(wire, 'utf8');
      const cuts = [3, 17, 60, 61, bytes.indexOf(Buffer.from('✓')) + 1, bytes.length - 5];
      let from = 0;
      const writeNext = (): void => {
        const to = cuts.shift() ?? bytes.length;
        res.write(bytes.subarray(from, to));
        from = to;
        if (from < bytes.length) setTimeout(writeNext, 2);
        else res.end();
      };
      writeNext();
    };
    const chunks = await collect(provider.stream(target(), request('hi')));

    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello ✓');
    expect(chunks).toHaveLength(3);
  });

  it('accepts a stream that ends after a finish_reason without [DONE]', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${chunk('ok')}\n\ndata: ${chunk(null, 'stop')}\n\n`);
    };
    const chunks = await collect(provider.stream(target(), request('hi')));
    expect(chunks).toHaveLength(2);
  });

  it('reports a stream that ends cleanly but early as stream_interrupted', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${chunk('partial')}\n\n`);
    };
    const error = await upstreamErrorOf(() => collect(provider.stream(target(), request('hi'))));
    expect(error.kind).toBe('stream_interrupted');
  });

  it('turns an error event inside the stream into an UpstreamError', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: {"error":{"message":"model overloaded","type":"server_error"}}\n\n`);
    };
    const error = await upstreamErrorOf(() => collect(provider.stream(target(), request('hi'))));
    expect(error.kind).toBe('server');
    expect(error.upstreamMessage).toContain('model overloaded');
  });

  it('redacts a key that the upstream echoes in its error body', async () => {
    handler = (req, _body, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `Invalid credentials: ${req.headers['authorization']} (key ${API_KEY})` },
        }),
      );
    };
    const error = await upstreamErrorOf(() => provider.complete(target(), request('hi')));

    expect(error.kind).toBe('auth');
    expect(error.upstreamMessage).toContain('Invalid credentials');
    expectNoKey(error, API_KEY);
  });

  it('maps 422 to bad_request and 504 to timeout, reading non-OpenAI error bodies', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: [{ msg: 'field required: messages' }] }));
    };
    const invalid = await upstreamErrorOf(() => provider.complete(target(), request('hi')));
    expect(invalid.kind).toBe('bad_request');
    expect(invalid.upstreamMessage).toBe('field required: messages');

    handler = (_req, _body, res) => {
      res.writeHead(504, { 'content-type': 'text/html' });
      res.end('<html>gateway timeout</html>');
    };
    const slow = await upstreamErrorOf(() => provider.complete(target(), request('hi')));
    expect(slow.kind).toBe('timeout');
    expect(slow.status).toBe(504);
  });

  it('maps a 200 that is not a chat completion to server', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"unexpected":true}');
    };
    const error = await upstreamErrorOf(() => provider.complete(target(), request('hi')));
    expect(error.kind).toBe('server');
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
