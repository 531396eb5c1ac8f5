import { eventually } from '@gw/shared-kernel/testing';
import { collect, expectNoKey, upstreamErrorOf } from '../testing/upstream-test-helpers';
import { createServer } from 'node:net';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import type { UpstreamTarget } from '../upstream-provider.port';
import { AnthropicProvider } from './anthropic.provider';
import type { AnthropicMessage } from './anthropic-wire';
import { startFakeAnthropicServer, type FakeAnthropicServer } from './testing/fake-anthropic-server';

const API_KEY = 'sk-ant-api03-0123456789abcdefSECRET';

const request = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'client-facing-alias',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content },
  ],
  temperature: 0,
  ...extra,
});

const message = (extra: Partial<AnthropicMessage>): AnthropicMessage => ({
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-upstream',
  content: [{ type: 'text', text: 'Paris is sunny today.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: {
    input_tokens: 25,
    output_tokens: 9,
    cache_read_input_tokens: 2048,
    cache_creation_input_tokens: 100,
  },
  ...extra,
});

const WEATHER_TOOL: NonNullable<ChatCompletionRequest['tools']>[number] = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('AnthropicProvider against a fake Anthropic server', () => {
  let fake: FakeAnthropicServer;
  let provider: AnthropicProvider;
  let target: UpstreamTarget;

  beforeAll(async () => {
    fake = await startFakeAnthropicServer({ apiKey: API_KEY });
    target = {
      providerSlug: 'anthropic',
      baseUrl: `${fake.url}/v1`,
      apiKey: API_KEY,
      upstreamModel: 'claude-upstream',
      timeoutMs: 5_000,
    };
  });
  beforeEach(() => {
    provider = new AnthropicProvider();
  });
  afterEach(() => provider.close());
  afterAll(() => fake.close());

  const lastRequest = () => {
    const last = fake.requests.at(-1);
    if (!last) throw new Error('the fake received no request');
    return last;
  };

  describe('complete', () => {
    it('sends the documented request and translates text and usage with cache tokens', async () => {
      fake.enqueue({ kind: 'message', message: message({}) });

      const completion = await provider.complete(target, request('Weather in Paris?', { stop: ['\n\n'] }));

      const sent = lastRequest();
      expect(sent.path).toBe('/v1/messages');
      expect(sent.headers['x-api-key']).toBe(API_KEY);
      expect(sent.headers['anthropic-version']).toBe('2023-06-01');
      expect(sent.headers['authorization']).toBeUndefined();
      expect(sent.body).toEqual({
        model: 'claude-upstream',
        system: 'You are terse.',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }],
        max_tokens: 4096,
        stop_sequences: ['\n\n'],
        temperature: 0,
      });
      expect(completion).toMatchObject({ id: 'msg_01', object: 'chat.completion', model: 'claude-upstream' });
      expect(completion.choices[0]?.message.content).toBe('Paris is sunny today.');
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage).toEqual({
        prompt_tokens: 2173,
        completion_tokens: 9,
        total_tokens: 2182,
        prompt_tokens_details: { cached_tokens: 2048, cache_write_tokens: 100 },
      });
    });

    it('translates tool definitions and choice, and tool_use answers into tool_calls', async () => {
      fake.enqueue({
        kind: 'message',
        message: message({
          stop_reason: 'tool_use',
          content: [{ type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Paris' } }],
        }),
      });

      const completion = await provider.complete(
        target,
        request('Weather in Paris?', { tools: [WEATHER_TOOL], tool_choice: 'required', max_tokens: 64 }),
      );

      expect(lastRequest().body).toMatchObject({
        max_tokens: 64,
        tools: [
          {
            name: 'get_weather',
            description: 'Current weather',
            input_schema: WEATHER_TOOL.function.parameters,
          },
        ],
        tool_choice: { type: 'any' },
      });
      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
      expect(completion.choices[0]?.message.content).toBeNull();
      expect(completion.choices[0]?.message.tool_calls).toEqual([
        { id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ]);
    });

    it('sends tool results back as one user turn that the fake accepts', async () => {
      const completion = await provider.complete(target, {
        model: 'alias',
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'toolu_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
              {
                id: 'toolu_2',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
          { role: 'tool', tool_call_id: 'toolu_2', content: 'rain' },
        ],
      });

      // The default answer echoes the text of the last user turn; tool_result blocks carry none.
      expect(completion.choices[0]?.message.content).toBe('You said: ');
      const turns = lastRequest().body['messages'] as Array<{ role: string; content: unknown[] }>;
      expect(turns.map((turn) => turn.role)).toEqual(['user', 'assistant', 'user']);
      expect(turns[2]?.content).toEqual([
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
        { type: 'tool_result', tool_use_id: 'toolu_2', content: 'rain' },
      ]);
    });

    it('rejects n > 1 without calling the upstream', async () => {
      const before = fake.requests.length;
      const error = await upstreamErrorOf(() => provider.complete(target, request('hi', { n: 3 })));

      expect(error.kind).toBe('bad_request');
      expect(error.retryable).toBe(false);
      expect(fake.requests.length).toBe(before);
    });

    it('treats a 200 that is not a message as a server error', async () => {
      fake.enqueue({ kind: 'events', events: [{ type: 'ping' }] });
      // A non-stream request answered with an event stream body: not JSON.
      const error = await upstreamErrorOf(() => provider.complete(target, request('hi')));
      expect(error.kind).toBe('server');
    });
  });

  describe('stream', () => {
    it('streams chunks that reassemble to the completed text, role first, one finish_reason, usage last', async () => {
      fake.enqueue({ kind: 'message', message: message({}) }, { kind: 'message', message: message({}) });
      const whole = await provider.complete(target, request('Weather in Paris?'));
      const chunks = await collect(provider.stream(target, request('Weather in Paris?', { stream: true })));

      expect(lastRequest().body['stream']).toBe(true);
      expect(lastRequest().headers['accept']).toBe('text/event-stream');
      expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
      expect(chunks.slice(1).some((c) => c.choices[0]?.delta.role !== undefined)).toBe(false);
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(
        whole.choices[0]?.message.content,
      );
      expect(chunks.filter((c) => c.choices.some((choice) => choice.finish_reason !== null))).toHaveLength(1);
      expect(chunks.at(-1)?.choices).toEqual([]);
      expect(chunks.at(-1)?.usage).toEqual(whole.usage);
      expect(chunks.every((c) => c.id === 'msg_01' && c.object === 'chat.completion.chunk')).toBe(true);
    });

    it('streams tool calls whose arguments reassemble to the input', async () => {
      fake.enqueue({
        kind: 'message',
        message: message({
          stop_reason: 'tool_use',
          content: [
            { type: 'tool_use', id: 'toolu_7', name: 'get_weather', input: { city: 'Paris', unit: 'C' } },
          ],
        }),
      });

      const chunks = await collect(provider.stream(target, request('Weather?', { tools: [WEATHER_TOOL] })));

      const deltas = chunks.flatMap((c) => c.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
      expect(deltas[0]).toMatchObject({
        index: 0,
        id: 'toolu_7',
        type: 'function',
        function: { name: 'get_weather' },
      });
      expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? '').join(''))).toEqual({
        city: 'Paris',
        unit: 'C',
      });
      expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('tool_calls');
    });

    it('turns a connection cut after some events into stream_interrupted', async () => {
      fake.enqueue({ kind: 'message', message: message({}), cutAfterEvents: 3 });
      const received: ChatCompletionChunk[] = [];

      const error = await upstreamErrorOf(async () => {
        for await (const chunk of provider.stream(target, request('hi'))) received.push(chunk);
      });

      expect(received.length).toBeGreaterThan(0);
      expect(error.kind).toBe('stream_interrupted');
      expect(error.retryable).toBe(false);
    });

    it('turns an error event after chunks into stream_interrupted', async () => {
      fake.enqueue({
        kind: 'events',
        events: [
          { type: 'message_start', message: message({ content: [], stop_reason: null }) },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
          { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
        ],
      });
      const received: ChatCompletionChunk[] = [];

      const error = await upstreamErrorOf(async () => {
        for await (const chunk of provider.stream(target, request('hi'))) received.push(chunk);
      });

      expect(received.map((c) => c.choices[0]?.delta.content).join('')).toBe('Hel');
      expect(error.kind).toBe('stream_interrupted');
      expect(error.upstreamMessage).toContain('Overloaded');
    });

    it('keeps the mapped (retryable) kind when the stream fails before its first chunk', async () => {
      fake.enqueue({
        kind: 'events',
        events: [{ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }],
      });
      const overloaded = await upstreamErrorOf(() => collect(provider.stream(target, request('hi'))));
      expect(overloaded.kind).toBe('server');
      expect(overloaded.retryable).toBe(true);

      fake.enqueue({ kind: 'message', message: message({}), cutAfterEvents: 0 });
      const cut = await upstreamErrorOf(() => collect(provider.stream(target, request('hi'))));
      expect(cut.kind).not.toBe('stream_interrupted');
      expect(cut.retryable).toBe(true);

      fake.enqueue({
        kind: 'error',
        status: 429,
        errorType: 'rate_limit_error',
        message: 'slow down',
        headers: { 'retry-after': '2' },
      });
      const limited = await upstreamErrorOf(() => collect(provider.stream(target, request('hi'))));
      expect(limited.kind).toBe('rate_limited');
      expect(limited.retryAfterMs).toBe(2000);
    });

    it('treats a stream that ends cleanly without message_stop as interrupted', async () => {
      fake.enqueue({
        kind: 'events',
        events: [
          { type: 'message_start', message: message({ content: [], stop_reason: null }) },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'partial' } },
        ],
      });
      const error = await upstreamErrorOf(() => collect(provider.stream(target, request('hi'))));
      expect(error.kind).toBe('stream_interrupted');
    });
  });

  describe('errors', () => {
    it('maps 429 to rate_limited with retryAfterMs from retry-after', async () => {
      fake.enqueue({
        kind: 'error',
        status: 429,
        errorType: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
        headers: { 'retry-after': '7' },
      });
      const error = await upstreamErrorOf(() => provider.complete(target, request('hi')));

      expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7000 });
      expect(error.retryable).toBe(true);
      expect(error.upstreamMessage).toContain('per-minute rate limit');
    });

    it('maps a wrong key (401) to auth', async () => {
      const error = await upstreamErrorOf(() =>
        provider.complete({ ...target, apiKey: 'sk-ant-wrong-key-000000' }, request('hi')),
      );
      expect(error).toMatchObject({ kind: 'auth', status: 401, upstreamMessage: 'invalid x-api-key' });
      expect(error.retryable).toBe(true);
    });

    it('maps 403 permission_error to auth', async () => {
      fake.enqueue({ kind: 'error', status: 403, errorType: 'permission_error', message: 'no access' });
      expect(await upstreamErrorOf(() => provider.complete(target, request('hi')))).toMatchObject({
        kind: 'auth',
        status: 403,
      });
    });

    it('maps 529 overloaded_error to a retryable server error', async () => {
      fake.enqueue({ kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });
      const error = await upstreamErrorOf(() => provider.complete(target, request('hi')));

      expect(error).toMatchObject({ kind: 'server', status: 529, upstreamMessage: 'Overloaded' });
      expect(error.retryable).toBe(true);
    });

    it('maps 500 to server and 400 to a non-retryable bad_request with the upstream message', async () => {
      fake.enqueue({ kind: 'error', status: 500, errorType: 'api_error', message: 'Internal server error' });
      const server = await upstreamErrorOf(() => provider.complete(target, request('hi')));
      expect(server).toMatchObject({ kind: 'server', status: 500 });

      // A temperature above Anthropic's 0..1 range is rejected by the (fake) upstream.
      const bad = await upstreamErrorOf(() => provider.complete(target, request('hi', { temperature: 1.5 })));
      expect(bad).toMatchObject({ kind: 'bad_request', status: 400 });
      expect(bad.upstreamMessage).toContain('temperature');
      expect(bad.retryable).toBe(false);
    });

    it('maps a slow upstream to timeout and a closed port to connection', async () => {
      // The answer comes after 1.5 s; the 150 ms timeout ends the call first, as its kind says (no
      // wall-clock bound: undici checks its timeouts on a coarse ~0.5 s tick, and CI boxes are slow).
      fake.enqueue({ kind: 'message', message: message({}), delayMs: 1_500 });
      const slow = await upstreamErrorOf(() =>
        provider.complete({ ...target, timeoutMs: 150 }, request('hi')),
      );
      expect(slow.kind).toBe('timeout');

      const port = await freePort();
      const refused = await upstreamErrorOf(() =>
        provider.complete({ ...target, baseUrl: `http://127.0.0.1:${port}/v1` }, request('hi')),
      );
      expect(refused.kind).toBe('connection');
      expect(refused.retryable).toBe(true);
    });

    it('rejects an unusable base URL as connection without echoing it', async () => {
      const error = await upstreamErrorOf(() =>
        provider.complete({ ...target, baseUrl: `ftp://host/v1?key=${API_KEY}` }, request('hi')),
      );
      expect(error.kind).toBe('connection');
      expectNoKey(error, API_KEY);
    });

    it('never puts the key into errors, even when the upstream echoes it', async () => {
      fake.enqueue(
        {
          kind: 'error',
          status: 401,
          errorType: 'authentication_error',
          message: `invalid x-api-key: ${API_KEY}`,
        },
        {
          kind: 'error',
          status: 400,
          errorType: 'invalid_request_error',
          message: `bad key ${API_KEY} in request`,
        },
        {
          kind: 'events',
          events: [
            { type: 'message_start', message: message({ content: [] }) },
            { type: 'error', error: { type: 'api_error', message: `boom ${API_KEY}` } },
          ],
        },
      );
      const errors = [
        await upstreamErrorOf(() => provider.complete(target, request('hi'))),
        await upstreamErrorOf(() => provider.complete(target, request('hi'))),
        await upstreamErrorOf(() => collect(provider.stream(target, request('hi')))),
      ];

      expect(errors.map((e) => e.kind)).toEqual(['auth', 'bad_request', 'stream_interrupted']);
      for (const error of errors) {
        expect(error.upstreamMessage).toContain('[REDACTED]');
        expectNoKey(error, API_KEY);
      }
    });

    it('rethrows the caller abort reason', async () => {
      fake.enqueue({ kind: 'message', message: message({}), delayMs: 2_000 });
      const controller = new AbortController();
      const reason = new Error('client went away');
      const before = fake.requests.length;

      const pending = provider.complete(target, request('hi'), controller.signal);
      // The client goes away once the request is in flight (the fake holds its answer for 2 s).
      await eventually(() => (fake.requests.length > before ? true : undefined), 5_000, 'the request');
      controller.abort(reason);

      await expect(pending).rejects.toBe(reason);
    });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
