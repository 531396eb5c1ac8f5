import { eventually } from '@gw/shared-kernel/testing';
import { serveAsOpenAI } from '../testing/openai-facade';
import { collect, expectNoKey, upstreamErrorOf } from '../testing/upstream-test-helpers';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionRequest, FunctionTool } from '../openai-wire';
import type { UpstreamTarget } from '../upstream-provider.port';
import { GeminiProvider } from './gemini.provider';
import { FAKE_GEMINI_HEADERS as H, startFakeGemini, type FakeGemini } from './testing/fake-gemini-server';

const API_KEY = 'AIzaSyD-fake0123456789abcdefghijklmnopq';

const ask = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'client-alias',
  messages: [{ role: 'user', content }],
  ...extra,
});

const WEATHER: FunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: {
        city: { type: 'string', description: 'City name' },
        unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit'], default: 'celsius' },
      },
      required: ['city'],
    },
    strict: true,
  },
};
const TIME: FunctionTool = {
  type: 'function',
  function: {
    name: 'get_time',
    parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
  },
};

const textOf = (chunks: ChatCompletionChunk[], index = 0): string =>
  chunks
    .flatMap((c) => c.choices.filter((choice) => choice.index === index))
    .map((choice) => choice.delta.content ?? '')
    .join('');

describe('GeminiProvider against the fake Gemini server', () => {
  let fake: FakeGemini;
  let provider: GeminiProvider;
  let target: UpstreamTarget;
  const using = (
    extraHeaders: Record<string, string>,
    patch: Partial<UpstreamTarget> = {},
  ): UpstreamTarget => ({
    ...target,
    extraHeaders,
    ...patch,
  });
  const lastRequest = (): {
    path: string;
    query: Record<string, string>;
    headers: Record<string, unknown>;
    body: Record<string, unknown>;
  } => {
    const seen = fake.requests[fake.requests.length - 1];
    if (!seen) throw new Error('no request reached the fake');
    return { ...seen, body: seen.body as Record<string, unknown> };
  };

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKey: API_KEY, models: ['gemini-2.5-flash'] });
    target = {
      providerSlug: 'gemini',
      baseUrl: fake.baseUrl,
      apiKey: API_KEY,
      upstreamModel: 'gemini-2.5-flash',
      timeoutMs: 5_000,
    };
  });
  beforeEach(() => {
    provider = new GeminiProvider();
  });
  afterEach(() => provider.close());
  afterAll(() => fake.close());

  describe('complete', () => {
    it('sends the key in x-goog-api-key only, the system prompt as systemInstruction, and maps the answer', async () => {
      const completion = await provider.complete(target, {
        model: 'client-alias',
        messages: [
          { role: 'system', content: 'Be brief' },
          { role: 'user', content: 'hello there' },
        ],
        temperature: 0.2,
        top_p: 0.9,
      });

      const seen = lastRequest();
      expect(seen.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
      expect(seen.query).toEqual({});
      expect(seen.headers['x-goog-api-key']).toBe(API_KEY);
      expect(seen.headers['authorization']).toBeUndefined();
      expect(seen.body['systemInstruction']).toEqual({ parts: [{ text: 'Be brief' }] });
      expect(seen.body['contents']).toEqual([{ role: 'user', parts: [{ text: 'hello there' }] }]);
      expect(seen.body['generationConfig']).toEqual({ temperature: 0.2, topP: 0.9 });

      expect(completion.object).toBe('chat.completion');
      expect(completion.model).toBe('gemini-2.5-flash');
      expect(completion.id).toMatch(/^chatcmpl-fake-resp-\d+$/);
      expect(completion.choices).toEqual([
        {
          index: 0,
          message: { role: 'assistant', content: '[Be brief] You said: hello there' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ]);
      expect(completion.usage?.completion_tokens).toBe(6);
      expect(completion.usage?.total_tokens).toBe(
        (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
      );
    });

    it('counts thoughts as completion tokens, reports cached tokens, and hides thought text', async () => {
      const completion = await provider.complete(
        using({ [H.thoughts]: '7', [H.cached]: '3' }),
        ask('one two'),
      );

      expect(completion.choices[0]?.message.content).toBe('You said: one two');
      expect(completion.usage?.completion_tokens).toBe(4 + 7);
      expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(7);
      expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(3);
    });

    it('declares tools with a schema Gemini accepts and maps a function call to tool_calls', async () => {
      const completion = await provider.complete(
        target,
        ask('Use get_weather for Paris', { tools: [WEATHER, TIME] }),
      );

      const declarations = (lastRequest().body['tools'] as Array<{ functionDeclarations: unknown[] }>)[0]
        ?.functionDeclarations;
      expect(declarations?.[0]).toEqual({
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: {
          type: 'object',
          properties: {
            city: { type: 'string', description: 'City name' },
            unit: { type: 'string', nullable: true, enum: ['celsius', 'fahrenheit'] },
          },
          required: ['city'],
        },
      });
      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
      expect(completion.choices[0]?.message.content).toBeNull();
      expect(completion.choices[0]?.message.tool_calls).toEqual([
        { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ]);
    });

    it('maps tool_choice: named → ANY with allowedFunctionNames, none → NONE', async () => {
      const named = await provider.complete(
        target,
        ask('anything', {
          tools: [WEATHER, TIME],
          tool_choice: { type: 'function', function: { name: 'get_time' } },
        }),
      );
      expect(lastRequest().body['toolConfig']).toEqual({
        functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] },
      });
      expect(named.choices[0]?.message.tool_calls?.[0]?.function.name).toBe('get_time');

      const none = await provider.complete(
        target,
        ask('Use get_weather', { tools: [WEATHER], tool_choice: 'none' }),
      );
      expect(lastRequest().body['toolConfig']).toEqual({ functionCallingConfig: { mode: 'NONE' } });
      expect(none.choices[0]?.finish_reason).toBe('stop');
      expect(none.choices[0]?.message.tool_calls).toBeUndefined();
    });

    it('sends tool results back as functionResponse parts in one user turn after the model turn', async () => {
      const completion = await provider.complete(target, {
        model: 'client-alias',
        tools: [WEATHER, TIME],
        messages: [
          { role: 'user', content: 'weather and time in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_0',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
              { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_0', content: '{"temp":21}' },
          { role: 'tool', tool_call_id: 'call_1', content: '12:00' },
        ],
      });

      const contents = lastRequest().body['contents'] as unknown[];
      expect(contents).toEqual([
        { role: 'user', parts: [{ text: 'weather and time in Paris?' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
            { functionCall: { name: 'get_time', args: { zone: 'CET' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { content: { temp: 21 } } } },
            { functionResponse: { name: 'get_time', response: { content: '12:00' } } },
          ],
        },
      ]);
      expect(completion.choices[0]?.message.content).toBe(
        'Result of get_weather: {"content":{"temp":21}} Result of get_time: {"content":"12:00"}',
      );
    });

    it('maps stop, max_tokens, n and json_object to generationConfig, and MAX_TOKENS to length', async () => {
      const completion = await provider.complete(
        target,
        ask('alpha beta gamma delta epsilon', {
          stop: ['zeta'],
          max_completion_tokens: 3,
          n: 2,
          response_format: { type: 'json_object' },
        }),
      );

      expect(lastRequest().body['generationConfig']).toEqual({
        stopSequences: ['zeta'],
        maxOutputTokens: 3,
        candidateCount: 2,
        responseMimeType: 'application/json',
      });
      expect(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
        [0, 'You said: alpha', 'length'],
        [1, 'You said: alpha', 'length'],
      ]);
    });

    it('cuts at a stop sequence with finish stop', async () => {
      const completion = await provider.complete(target, ask('keep this STOP not this', { stop: 'STOP' }));
      expect(completion.choices[0]?.message.content).toBe('You said: keep this ');
      expect(completion.choices[0]?.finish_reason).toBe('stop');
    });

    it('maps a SAFETY finish and a blocked prompt to content_filter', async () => {
      const unsafe = await provider.complete(using({ [H.finish]: 'SAFETY' }), ask('something'));
      expect(unsafe.choices[0]?.finish_reason).toBe('content_filter');
      expect(unsafe.choices[0]?.message.content).toBe('');

      const blocked = await provider.complete(using({ [H.block]: 'PROHIBITED_CONTENT' }), ask('something'));
      expect(blocked.choices).toEqual([
        {
          index: 0,
          message: { role: 'assistant', content: '' },
          finish_reason: 'content_filter',
          logprobs: null,
        },
      ]);
      expect(blocked.usage?.prompt_tokens).toBeGreaterThan(0);
    });

    it('sends data: URL images as inlineData and refuses remote image URLs before calling', async () => {
      const completion = await provider.complete(target, {
        model: 'client-alias',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
        ],
      });
      expect((lastRequest().body['contents'] as Array<{ parts: unknown[] }>)[0]?.parts).toEqual([
        { text: 'what is this' },
        { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      ]);
      expect(completion.choices[0]?.message.content).toBe('You said: what is this <image>');

      const before = fake.requests.length;
      const error = await upstreamErrorOf(() =>
        provider.complete(target, {
          model: 'client-alias',
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }],
            },
          ],
        }),
      );
      expect(error.kind).toBe('bad_request');
      expect(error.retryable).toBe(false);
      expect(error.upstreamMessage).toContain('data: URLs');
      expect(fake.requests.length).toBe(before);
    });

    it('never puts the key in the URL, even when the base URL carries one', async () => {
      await provider.complete({ ...target, baseUrl: `${fake.baseUrl}?key=${API_KEY}&trace=1` }, ask('hi'));
      expect(lastRequest().query).toEqual({ trace: '1' });
    });
  });

  describe('stream', () => {
    it('reassembles to the non-streamed answer: role first, one finish_reason, usage chunk last', async () => {
      const question = ask('tell me a story about seven small ducks', {
        messages: [
          { role: 'developer', content: 'Be kind' },
          { role: 'user', content: 'tell me a story about seven small ducks' },
        ],
      });
      const whole = await provider.complete(target, question);
      const chunks = await collect(provider.stream(target, { ...question, stream: true }));

      const seen = lastRequest();
      expect(seen.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
      expect(seen.query).toEqual({ alt: 'sse' });
      expect(chunks.length).toBeGreaterThan(4);
      expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
      expect(chunks.slice(1).some((c) => c.choices.some((choice) => choice.delta.role !== undefined))).toBe(
        false,
      );
      expect(textOf(chunks)).toBe(whole.choices[0]?.message.content);
      expect(textOf(chunks)).toBe('[Be kind] You said: tell me a story about seven small ducks');
      const finishes = chunks.flatMap((c) => c.choices.filter((choice) => choice.finish_reason !== null));
      expect(finishes.map((choice) => choice.finish_reason)).toEqual(['stop']);
      const last = chunks[chunks.length - 1];
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toEqual(whole.usage);
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      expect(
        chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gemini-2.5-flash'),
      ).toBe(true);
    });

    it('streams function calls as tool_call deltas with finish tool_calls', async () => {
      const chunks = await collect(
        provider.stream(target, ask('call get_weather please', { tools: [WEATHER] })),
      );

      const calls = chunks.flatMap((c) => c.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
      expect(calls).toEqual([
        {
          index: 0,
          id: 'call_0',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ]);
      const finishes = chunks.flatMap((c) => c.choices.filter((choice) => choice.finish_reason !== null));
      expect(finishes.map((choice) => choice.finish_reason)).toEqual(['tool_calls']);
    });

    it('streams n candidates as separate choices, each with role first and one finish', async () => {
      const chunks = await collect(provider.stream(target, ask('a b c d e f', { n: 2 })));

      for (const index of [0, 1]) {
        const mine = chunks.flatMap((c) => c.choices.filter((choice) => choice.index === index));
        expect(mine[0]?.delta.role).toBe('assistant');
        expect(mine.filter((choice) => choice.finish_reason !== null)).toHaveLength(1);
      }
      expect(textOf(chunks, 0)).toBe('You said: a b c d e f');
      expect(textOf(chunks, 1)).toBe('You said: a b c d e f #1');
    });

    it('maps a SAFETY finish in a stream to content_filter', async () => {
      const chunks = await collect(provider.stream(using({ [H.finish]: 'SAFETY' }), ask('something bad')));
      const finishes = chunks.flatMap((c) => c.choices.filter((choice) => choice.finish_reason !== null));
      expect(finishes.map((choice) => choice.finish_reason)).toEqual(['content_filter']);
      expect(chunks[chunks.length - 1]?.usage?.completion_tokens).toBe(0);
    });

    it('maps a stream cut after some events to stream_interrupted after yielding them', async () => {
      const received: ChatCompletionChunk[] = [];
      const error = await upstreamErrorOf(async () => {
        for await (const chunk of provider.stream(
          using({ [H.cutAfter]: '2' }),
          ask('one two three four five six seven eight'),
        )) {
          received.push(chunk);
        }
      });

      expect(received.length).toBeGreaterThan(1);
      expect(textOf(received)).toBe('You said: one two');
      expect(error.kind).toBe('stream_interrupted');
      expect(error.retryable).toBe(false);
    });

    it('maps a stream cut before any event to a retryable kind, not stream_interrupted', async () => {
      const error = await upstreamErrorOf(() =>
        collect(provider.stream(using({ [H.cutAfter]: '0' }), ask('hi'))),
      );
      expect(error.kind).not.toBe('stream_interrupted');
      expect(error.retryable).toBe(true);
    });

    it('maps an error answer to a stream request before any chunk', async () => {
      const error = await upstreamErrorOf(() =>
        collect(provider.stream(using({ [H.fail]: '429', [H.retryDelay]: '3s' }), ask('hi'))),
      );
      expect(error.kind).toBe('rate_limited');
      expect(error.retryAfterMs).toBe(3_000);
    });
  });

  describe('errors', () => {
    it('maps 429 RESOURCE_EXHAUSTED to rate_limited with the RetryInfo delay or the retry-after header', async () => {
      const fromDetails = await upstreamErrorOf(() =>
        provider.complete(using({ [H.fail]: '429', [H.retryDelay]: '12.5s' }), ask('hi')),
      );
      expect(fromDetails.kind).toBe('rate_limited');
      expect(fromDetails.status).toBe(429);
      expect(fromDetails.retryAfterMs).toBe(12_500);
      expect(fromDetails.retryable).toBe(true);
      expect(fromDetails.upstreamMessage).toContain('exceeded your current quota');

      const fromHeader = await upstreamErrorOf(() =>
        provider.complete(using({ [H.fail]: '429', [H.retryAfter]: '2' }), ask('hi')),
      );
      expect(fromHeader.retryAfterMs).toBe(2_000);
    });

    it('maps 401 to auth and never exposes the key, even when the upstream echoes it', async () => {
      const error = await upstreamErrorOf(() => provider.complete(using({ [H.fail]: '401' }), ask('hi')));
      expect(error.kind).toBe('auth');
      expect(error.status).toBe(401);
      expect(error.upstreamMessage).toContain('invalid authentication credentials');
      expect(error.upstreamMessage).toContain('[REDACTED]');
      expectNoKey(error, API_KEY);
    });

    it('maps a wrong key (400 API_KEY_INVALID), a missing key (403) and 403 PERMISSION_DENIED to auth', async () => {
      const wrongKey = 'AIzaSyWRONG-0123456789abcdefghijklmnopq';
      const wrong = await upstreamErrorOf(() =>
        provider.complete({ ...target, apiKey: wrongKey }, ask('hi')),
      );
      expect(wrong.kind).toBe('auth');
      expect(wrong.status).toBe(400);
      expect(wrong.upstreamMessage).toContain('API key not valid');
      expectNoKey(wrong, wrongKey);

      const missing = await upstreamErrorOf(() =>
        provider.complete({ ...target, apiKey: undefined }, ask('hi')),
      );
      expect(missing.kind).toBe('auth');
      expect(missing.status).toBe(403);

      const denied = await upstreamErrorOf(() => provider.complete(using({ [H.fail]: '403' }), ask('hi')));
      expect(denied.kind).toBe('auth');
    });

    it('maps 400 INVALID_ARGUMENT to bad_request with the upstream message', async () => {
      const error = await upstreamErrorOf(() => provider.complete(using({ [H.fail]: '400' }), ask('hi')));
      expect(error.kind).toBe('bad_request');
      expect(error.status).toBe(400);
      expect(error.retryable).toBe(false);
      expect(error.upstreamMessage).toBe('Request contains an invalid argument.');
    });

    it('maps an unknown model (404) to not_found', async () => {
      const error = await upstreamErrorOf(() =>
        provider.complete({ ...target, upstreamModel: 'gemini-9-ultra' }, ask('hi')),
      );
      expect(error.kind).toBe('not_found');
      expect(error.upstreamMessage).toContain('models/gemini-9-ultra is not found');
    });

    it('maps 500 and 503 to server, 503 with its retry-after', async () => {
      const internal = await upstreamErrorOf(() => provider.complete(using({ [H.fail]: '500' }), ask('hi')));
      expect(internal.kind).toBe('server');
      expect(internal.status).toBe(500);
      expect(internal.retryable).toBe(true);

      const overloaded = await upstreamErrorOf(() =>
        provider.complete(using({ [H.fail]: '503', [H.retryAfter]: '1' }), ask('hi')),
      );
      expect(overloaded.kind).toBe('server');
      expect(overloaded.retryAfterMs).toBe(1_000);
    });

    it('maps a refused connection to connection and a slow answer to timeout', async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as AddressInfo;
      await new Promise((resolve) => probe.close(resolve));
      const refused = await upstreamErrorOf(() =>
        provider.complete({ ...target, baseUrl: `http://127.0.0.1:${port}/v1beta` }, ask('hi')),
      );
      expect(refused.kind).toBe('connection');
      expect(refused.upstreamMessage).toContain('ECONNREFUSED');

      const slow = await upstreamErrorOf(() =>
        provider.complete(using({ [H.latencyMs]: '10000' }, { timeoutMs: 150 }), ask('hi')),
      );
      // The 150 ms timeout, not the 10 s answer, ended the call: the kind says so (no wall-clock bound).
      expect(slow.kind).toBe('timeout');
    });

    it('rethrows the caller abort as is', async () => {
      const controller = new AbortController();
      const before = fake.requests.length;
      const pending = provider.complete(using({ [H.latencyMs]: '2000' }), ask('hi'), controller.signal);
      // The client goes away once the request is in flight (the fake holds its answer for 2 s).
      await eventually(() => (fake.requests.length > before ? true : undefined), 5_000, 'the request');
      controller.abort(new Error('client went away'));
      await expect(pending).rejects.toThrow('client went away');
    });
  });
});

describe('the official openai client parses what GeminiProvider produces', () => {
  let fake: FakeGemini;
  let relay: Server;
  let client: OpenAI;
  const provider = new GeminiProvider();

  beforeAll(async () => {
    fake = await startFakeGemini({ apiKey: API_KEY });
    const target: UpstreamTarget = {
      providerSlug: 'gemini',
      baseUrl: fake.baseUrl,
      apiKey: API_KEY,
      upstreamModel: 'gemini-2.5-flash',
      timeoutMs: 5_000,
    };
    relay = await serveAsOpenAI(provider, target);
    client = new OpenAI({
      baseURL: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/v1`,
      apiKey: 'x',
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await provider.close();
    relay.closeAllConnections();
    await new Promise((resolve) => relay.close(resolve));
    await fake.close();
  });

  it('parses a completion and a tool call completion', async () => {
    const text = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi you' }],
    });
    expect(text.choices[0]?.message.content).toBe('You said: hi you');
    expect(text.usage?.prompt_tokens).toBeGreaterThan(0);

    const call = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'get_weather now' }],
      tools: [WEATHER as OpenAI.Chat.Completions.ChatCompletionFunctionTool],
    });
    const toolCall = call.choices[0]?.message.tool_calls?.[0];
    expect(toolCall?.type).toBe('function');
    expect(toolCall?.type === 'function' ? JSON.parse(toolCall.function.arguments) : undefined).toEqual({
      city: 'Paris',
    });
    expect(call.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('parses a stream and accumulates it with the stream helper, text and tool calls', async () => {
    const parts: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    const stream = await client.chat.completions.create({
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'one two three four five' }],
    });
    for await (const chunk of stream) {
      parts.push(chunk.choices[0]?.delta.content ?? '');
      if (chunk.usage) usage = chunk.usage;
    }
    expect(parts.join('')).toBe('You said: one two three four five');
    expect(usage?.completion_tokens).toBe(7);

    const text = await client.chat.completions
      .stream({ model: 'm', messages: [{ role: 'user', content: 'a b c' }] })
      .finalChatCompletion();
    expect(text.choices[0]?.message.content).toBe('You said: a b c');
    expect(text.choices[0]?.finish_reason).toBe('stop');

    const tools = await client.chat.completions
      .stream({
        model: 'm',
        messages: [{ role: 'user', content: 'get_weather now' }],
        tools: [WEATHER as OpenAI.Chat.Completions.ChatCompletionFunctionTool],
      })
      .finalChatCompletion();
    const toolCall = tools.choices[0]?.message.tool_calls?.[0];
    expect(toolCall?.id).toBe('call_0');
    expect(toolCall?.type === 'function' ? toolCall.function : undefined).toMatchObject({
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    expect(tools.choices[0]?.finish_reason).toBe('tool_calls');
  });
});
