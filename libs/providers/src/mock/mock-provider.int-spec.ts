import OpenAI, { APIError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import { countTokens } from 'gpt-tokenizer';
import { startMockProvider, type MockProvider } from './start-mock-provider';

// Drives the mock with the official OpenAI client: if the client accepts it, so will every client.
describe('mock provider (official openai client)', () => {
  let mock: MockProvider;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockProvider({ seed: 42, models: ['mock-model', 'mock-large'] });
    client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(() => mock.close());

  const ask = (content: string, extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}) =>
    client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content }], ...extra });

  const collect = async (stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> => {
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  };

  it('answers a chat completion in OpenAI shape', async () => {
    const completion = await ask('Explain how connection pooling reduces latency', { temperature: 0 });

    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-[0-9A-Za-z]{29}$/);
    expect(completion.model).toBe('mock-model');
    expect(completion.choices).toHaveLength(1);
    const [choice] = completion.choices;
    expect(choice?.index).toBe(0);
    expect(choice?.message.role).toBe('assistant');
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message.content?.length).toBeGreaterThan(40);
    expect(choice?.message.content).toMatch(/connection|pooling|latency/i);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('counts usage the way gpt-tokenizer does', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are a concise assistant.' },
      { role: 'user' as const, content: 'Summarize the benefits of event sourcing for audit trails.' },
    ];
    const completion = await client.chat.completions.create({
      model: 'mock-model',
      messages,
      temperature: 0,
    });

    const expectedPrompt = messages.reduce(
      (sum, m) => sum + 3 + countTokens(m.role) + countTokens(m.content),
      3,
    );
    expect(completion.usage?.prompt_tokens).toBe(expectedPrompt);
    expect(completion.usage?.completion_tokens).toBe(
      countTokens(completion.choices[0]?.message.content ?? ''),
    );
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
  });

  it('reports cached prompt tokens when a long prompt repeats', async () => {
    const long = 'Event sourcing keeps every change as an immutable fact. '.repeat(120);
    const first = await ask(long, { temperature: 0 });
    const second = await ask(long, { temperature: 0 });

    expect(first.usage?.prompt_tokens).toBeGreaterThanOrEqual(1024);
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(cached % 128).toBe(0);
    expect(cached).toBeLessThanOrEqual(second.usage?.prompt_tokens ?? 0);
  });

  it('is deterministic at temperature 0 and varies at higher temperature', async () => {
    const question = 'What makes a good API gateway?';
    const a = await ask(question, { temperature: 0 });
    const b = await ask(question, { temperature: 0 });
    expect(b.choices[0]?.message.content).toBe(a.choices[0]?.message.content);

    const hot = await Promise.all([1, 2, 3, 4].map(() => ask(question, { temperature: 1.5 })));
    const distinct = new Set(hot.map((c) => c.choices[0]?.message.content));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('is deterministic with a request seed even at temperature 1', async () => {
    const a = await ask('Describe vector databases', { temperature: 1, seed: 7 });
    const b = await ask('Describe vector databases', { temperature: 1, seed: 7 });
    expect(b.choices[0]?.message.content).toBe(a.choices[0]?.message.content);
  });

  it('streams OpenAI chunks with role first, one finish per choice, a usage chunk, and [DONE]', async () => {
    const question = 'How do circuit breakers protect upstream providers?';
    const stream = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: question }],
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    const whole = await ask(question, { temperature: 0 });

    expect(chunks.length).toBeGreaterThan(3);
    const [first] = chunks;
    expect(first?.object).toBe('chat.completion.chunk');
    expect(first?.choices[0]?.delta.role).toBe('assistant');
    expect(first?.choices[0]?.delta.content).toBe('');
    expect(new Set(chunks.map((c) => `${c.id}|${c.created}|${c.model}`)).size).toBe(1);
    expect(chunks.flatMap((c) => c.choices).filter((c) => c.finish_reason !== null)).toHaveLength(1);

    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
    expect(last?.usage?.prompt_tokens).toBe(whole.usage?.prompt_tokens);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);

    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0]?.message.content);
  });

  it('frames the raw stream exactly: data lines, blank-line separated, ending with [DONE]', async () => {
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'mock-model',
        messages: [{ role: 'user', content: 'hi there' }],
        stream: true,
      }),
    });
    const raw = await response.text();

    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = raw.split('\n\n');
    expect(events.pop()).toBe('');
    expect(events[events.length - 1]).toBe('data: [DONE]');
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    const parsed = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as Record<string, unknown>);
    expect(parsed.some((c) => 'usage' in c)).toBe(false); // no include_usage, no usage field
  });

  it('returns n choices with their indexes, streamed with one finish each', async () => {
    const completion = await ask('Give me a tagline for a coffee shop', { n: 3, temperature: 1 });
    expect(completion.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(completion.choices.map((c) => c.message.content)).size).toBeGreaterThan(1);
    const contentTokens = completion.choices.reduce(
      (sum, c) => sum + countTokens(c.message.content ?? ''),
      0,
    );
    expect(completion.usage?.completion_tokens).toBe(contentTokens);

    const stream = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Give me a tagline for a coffee shop' }],
      n: 3,
      stream: true,
    });
    const chunks = await collect(stream);
    const finishes = chunks.flatMap((c) => c.choices).filter((c) => c.finish_reason !== null);
    expect(finishes.map((c) => c.index).sort()).toEqual([0, 1, 2]);
    for (const index of [0, 1, 2]) {
      const firstOfChoice = chunks.flatMap((c) => c.choices).find((c) => c.index === index);
      expect(firstOfChoice?.delta.role).toBe('assistant');
    }
  });

  it('cuts before a stop sequence with finish_reason stop', async () => {
    const question = 'Tell me about message queues and backpressure';
    const full = (await ask(question, { temperature: 0 })).choices[0]?.message.content ?? '';
    const words = full.split(' ');
    const stopWord = words[Math.floor(words.length / 2)] ?? '';
    const cut = await ask(question, { temperature: 0, stop: [stopWord, 'zzz-never'] });

    expect(cut.choices[0]?.finish_reason).toBe('stop');
    expect(cut.choices[0]?.message.content).toBe(full.slice(0, full.indexOf(stopWord)));
    expect(cut.choices[0]?.message.content?.length).toBeLessThan(full.length);
  });

  it('stops at max_tokens (and max_completion_tokens) with finish_reason length', async () => {
    const limited = await ask('Write about distributed tracing in depth', { max_tokens: 5 });
    expect(limited.choices[0]?.finish_reason).toBe('length');
    expect(limited.usage?.completion_tokens).toBe(5);
    expect(countTokens(limited.choices[0]?.message.content ?? '')).toBeLessThanOrEqual(5);

    const modern = await ask('Write about distributed tracing in depth', { max_completion_tokens: 7 });
    expect(modern.choices[0]?.finish_reason).toBe('length');
    expect(modern.usage?.completion_tokens).toBe(7);
  });

  const weatherTool = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: 'object',
        properties: {
          location: { type: 'string' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          days: { type: 'integer', minimum: 1, maximum: 7 },
        },
        required: ['location', 'unit'],
      },
    },
  };
  const searchTool = {
    type: 'function' as const,
    function: {
      name: 'search_docs',
      parameters: { type: 'object', properties: { query: { type: 'string' } } },
    },
  };

  it('calls the required tool with JSON arguments that follow its schema', async () => {
    const completion = await ask('Hello there', { tools: [weatherTool], tool_choice: 'required' });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.id).toMatch(/^call_/);
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments) as { location: unknown; unit: unknown; days: number };
    expect(typeof args.location).toBe('string');
    expect(['celsius', 'fahrenheit']).toContain(args.unit);
    expect(args.days).toBeGreaterThanOrEqual(1);
    expect(args.days).toBeLessThanOrEqual(7);
  });

  it("with tool_choice 'auto' calls the tools the user mentions, and answers in text otherwise", async () => {
    const mentioned = await ask("What's the weather in Lisbon today?", { tools: [weatherTool, searchTool] });
    const calls = mentioned.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => (c.type === 'function' ? c.function.name : c.type))).toEqual(['get_weather']);
    const call = calls[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect((JSON.parse(call.function.arguments) as { location: string }).location).toBe('Lisbon');

    const plain = await ask('Tell me a joke', { tools: [weatherTool, searchTool] });
    expect(plain.choices[0]?.finish_reason).toBe('stop');
    expect(plain.choices[0]?.message.tool_calls).toBeUndefined();

    const none = await ask("What's the weather in Lisbon?", { tools: [weatherTool], tool_choice: 'none' });
    expect(none.choices[0]?.finish_reason).toBe('stop');

    const named = await ask('Hello', {
      tools: [weatherTool, searchTool],
      tool_choice: { type: 'function', function: { name: 'search_docs' } },
    });
    const namedCall = named.choices[0]?.message.tool_calls?.[0];
    expect(namedCall?.type === 'function' ? namedCall.function.name : undefined).toBe('search_docs');
  });

  it('answers in text after a tool result', async () => {
    const completion = await client.chat.completions.create({
      model: 'mock-model',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: "What's the weather in Lisbon?" },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Lisbon"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temperature": 21, "sky": "clear"}' },
      ],
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.content).toContain('temperature');
  });

  it('streams tool calls: a header delta with id, type and name, then argument fragments', async () => {
    const stream = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'weather in Oslo please' }],
      tools: [weatherTool],
      stream: true,
    });
    const chunks = await collect(stream);
    const deltas = chunks.flatMap((c) => c.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(deltas[0]?.id).toMatch(/^call_/);
    expect(deltas[0]?.type).toBe('function');
    expect(deltas[0]?.function?.name).toBe('get_weather');
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.slice(1).every((d) => d.id === undefined && d.function?.name === undefined)).toBe(true);
    const args = JSON.parse(deltas.map((d) => d.function?.arguments ?? '').join('')) as { location: string };
    expect(args.location).toBe('Oslo');
    const finishes = chunks.flatMap((c) => c.choices).filter((c) => c.finish_reason !== null);
    expect(finishes.map((c) => c.finish_reason)).toEqual(['tool_calls']);
  });

  it('returns a JSON object for response_format json_object', async () => {
    const completion = await ask('Reply in JSON: what is a message broker?', {
      response_format: { type: 'json_object' },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? '') as Record<string, unknown>;
    expect(typeof parsed['answer']).toBe('string');
  });

  it('returns an object that follows a json_schema response format', async () => {
    const completion = await ask('Extract the city from: I live in Berlin', {
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'city',
          schema: {
            type: 'object',
            properties: { city: { type: 'string' }, population: { type: 'integer' } },
          },
        },
      },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? '') as {
      city: string;
      population: number;
    };
    expect(parsed.city).toBe('Berlin');
    expect(Number.isInteger(parsed.population)).toBe(true);
  });

  it('accepts user, extra vendor fields and image parts', async () => {
    const completion = await client.chat.completions.create({
      model: 'mock-model',
      user: 'user-123',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this picture' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
      // @ts-expect-error a vendor extension the official types do not know
      top_k: 40,
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(85);
  });

  describe('validation errors in OpenAI shape', () => {
    const failureOf = async (body: Record<string, unknown>): Promise<APIError> => {
      try {
        await client.chat.completions.create(body as unknown as ChatCompletionCreateParamsNonStreaming);
      } catch (error) {
        if (error instanceof APIError) return error;
        throw error;
      }
      throw new Error('expected the request to fail');
    };

    it.each([
      [{ model: 'mock-model' }, 'messages', 'missing_required_parameter'],
      [{ model: 'mock-model', messages: [] }, 'messages', 'empty_array'],
      [
        { model: 'mock-model', messages: [{ role: 'wizard', content: 'x' }] },
        'messages[0].role',
        'invalid_value',
      ],
      [
        { model: 'mock-model', messages: [{ role: 'user' }] },
        'messages[0].content',
        'missing_required_parameter',
      ],
      [
        { model: 'mock-model', messages: [{ role: 'user', content: 'x' }], n: 0 },
        'n',
        'integer_below_min_value',
      ],
      [
        { model: 'mock-model', messages: [{ role: 'user', content: 'x' }], temperature: 3 },
        'temperature',
        'decimal_above_max_value',
      ],
      [
        { model: 'mock-model', messages: [{ role: 'user', content: 'x' }], stop: ['a', 'b', 'c', 'd', 'e'] },
        'stop',
        'array_above_max_length',
      ],
      [
        { model: 'mock-model', messages: [{ role: 'user', content: 'x' }], tool_choice: 'auto' },
        'tool_choice',
        null,
      ],
      [
        { model: 'mock-model', messages: [{ role: 'tool', tool_call_id: 'c1', content: 'x' }] },
        'messages[0].role',
        null,
      ],
      [
        {
          model: 'mock-model',
          messages: [{ role: 'user', content: 'x' }],
          response_format: { type: 'json_object' },
        },
        'messages',
        null,
      ],
    ])('%j → 400 param %s', async (body, param, code) => {
      const error = await failureOf(body);
      expect(error.status).toBe(400);
      expect(error.type).toBe('invalid_request_error');
      expect(error.param).toBe(param);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(/\S/);
    });

    it('rejects a missing model', async () => {
      const error = await failureOf({ messages: [{ role: 'user', content: 'x' }] });
      expect(error.status).toBe(400);
      expect(error.message).toContain('you must provide a model parameter');
    });

    it('answers 404 model_not_found for an unknown model', async () => {
      const error = await failureOf({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] });
      expect(error.status).toBe(404);
      expect(error.code).toBe('model_not_found');
    });

    it('rejects a body that is not JSON', async () => {
      const response = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{not json' });
      expect(response.status).toBe(400);
      const body = (await response.json()) as {
        error: { message: string; type: string; param: null; code: null };
      };
      expect(body.error).toEqual({
        message: expect.stringContaining('could not parse the JSON body'),
        type: 'invalid_request_error',
        param: null,
        code: null,
      });
    });
  });

  it('lists its models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['mock-model', 'mock-large']);
  });

  it('fails on demand with x-mock-fail, with retry-after on 429', async () => {
    const error = await ask('hi', {}).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(APIError); // control: succeeds without the header

    const limited = await client.chat.completions
      .create(
        { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-mock-fail': '429', 'x-mock-retry-after': '3' } },
      )
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as APIError).headers?.get('retry-after')).toBe('3');
    expect((limited as APIError).code).toBe('rate_limit_exceeded');

    const broken = await client.chat.completions
      .create(
        { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-mock-fail': '503' } },
      )
      .catch((e: unknown) => e);
    expect((broken as APIError).status).toBe(503);
  });

  it('cuts a stream after n chunks with x-mock-cut-stream', async () => {
    const stream = await client.chat.completions.create(
      { model: 'mock-model', messages: [{ role: 'user', content: 'a long story please' }], stream: true },
      { headers: { 'x-mock-cut-stream': '2', 'x-mock-chunk-delay-ms': '5' } },
    );
    const received: ChatCompletionChunk[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk);
      })(),
    ).rejects.toThrow();
    expect(received).toHaveLength(2);
  });
});

describe('mock provider options', () => {
  it('requires the API key when configured (401 in OpenAI shape)', async () => {
    const mock = await startMockProvider({ requireApiKey: 'sk-test-secret-123456' });
    try {
      const wrong = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-wrong-key-abcdef', maxRetries: 0 });
      const error = await wrong.chat.completions
        .create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as APIError).code).toBe('invalid_api_key');
      expect((error as APIError).message).not.toContain('sk-wrong-key-abcdef');

      const right = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-test-secret-123456', maxRetries: 0 });
      const ok = await right.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(ok.choices).toHaveLength(1);
    } finally {
      await mock.close();
    }
  });

  it('waits latencyMs before answering', async () => {
    const mock = await startMockProvider({ latencyMs: 120, seed: 1 });
    try {
      const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const started = performance.now();
      await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    } finally {
      await mock.close();
    }
  });

  it('fails about failureRate of the requests with 500, 503 or 429', async () => {
    const mock = await startMockProvider({ failureRate: 0.5, seed: 3 });
    try {
      const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const statuses = await Promise.all(
        Array.from({ length: 80 }, () =>
          client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).then(
            () => 200,
            (e: unknown) => (e instanceof APIError ? e.status : -1),
          ),
        ),
      );
      const failures = statuses.filter((s) => s !== 200);
      expect(failures.length).toBeGreaterThan(20);
      expect(failures.length).toBeLessThan(60);
      expect(failures.every((s) => s === 500 || s === 503 || s === 429)).toBe(true);
    } finally {
      await mock.close();
    }
  });
});
