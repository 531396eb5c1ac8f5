import { serveAsOpenAI } from '../testing/openai-facade';
import { collect, expectNoKey, upstreamErrorOf } from '../testing/upstream-test-helpers';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionRequest, FunctionTool } from '../openai-wire';
import type { UpstreamError } from '../upstream-error';
import type { UpstreamTarget } from '../upstream-provider.port';
import { CohereProvider } from './cohere.provider';
import {
  FAKE_COHERE_HEADERS,
  startFakeCohereServer,
  type FakeCohereServer,
} from './testing/fake-cohere-server';

const API_KEY = 'co-live-0123456789abcdefSECRET';

const WEATHER: FunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    strict: true,
  },
};
const TIME: FunctionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
};

const request = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'client-facing-alias',
  messages: [{ role: 'user', content }],
  ...extra,
});

function streamedText(chunks: ChatCompletionChunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

describe('CohereProvider against a fake Cohere v2 server', () => {
  let fake: FakeCohereServer;
  let provider: CohereProvider;
  let target: UpstreamTarget;
  const withHeaders = (extraHeaders: Record<string, string>): UpstreamTarget => ({ ...target, extraHeaders });
  const lastBody = (): Record<string, unknown> => {
    const last = fake.requests[fake.requests.length - 1];
    if (!last) throw new Error('the fake received no request');
    return last.body;
  };

  beforeAll(async () => {
    fake = await startFakeCohereServer({ apiKey: API_KEY });
    target = {
      providerSlug: 'cohere',
      baseUrl: fake.baseUrl,
      apiKey: API_KEY,
      upstreamModel: 'command-a-03-2025',
      timeoutMs: 5_000,
    };
  });
  beforeEach(() => {
    provider = new CohereProvider();
  });
  afterEach(() => provider.close());
  afterAll(() => fake.close());

  describe('complete', () => {
    it('answers text with the target model, the Bearer key and usage from usage.tokens', async () => {
      const completion = await provider.complete(target, request('hello there'));

      expect(completion.object).toBe('chat.completion');
      expect(completion.id).toBe('c0here-0000-1111');
      expect(completion.model).toBe('command-a-03-2025');
      expect(completion.choices).toHaveLength(1);
      expect(completion.choices[0]?.message).toEqual({
        role: 'assistant',
        content: 'Cohere says: hello there',
      });
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      // billed_units (2, 4) win over tokens (input 2 + 100 of Cohere's own template, output 4 + 1)
      expect(completion.usage).toEqual({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
      const sent = fake.requests[fake.requests.length - 1];
      expect(sent?.headers['authorization']).toBe(`Bearer ${API_KEY}`);
      expect(sent?.body).toEqual({
        model: 'command-a-03-2025',
        messages: [{ role: 'user', content: 'hello there' }],
        stream: false,
      });
    });

    it('also reads billed_units when usage.tokens is absent', async () => {
      const completion = await provider.complete(
        withHeaders({ [FAKE_COHERE_HEADERS.usage]: 'billed-only' }),
        request('hello there'),
      );

      expect(completion.usage).toEqual({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
    });

    it('translates stop, top_p, max_completion_tokens and developer messages (STOP_SEQUENCE → stop)', async () => {
      const completion = await provider.complete(
        target,
        request('', {
          messages: [
            { role: 'developer', content: 'be brief' },
            { role: 'user', content: 'alpha beta END gamma' },
          ],
          stop: 'END',
          top_p: 0.5,
          max_completion_tokens: 50,
          max_tokens: 3,
          temperature: 0.2,
          seed: 7,
          user: 'someone',
          parallel_tool_calls: false,
        }),
      );

      expect(completion.choices[0]?.message.content).toBe('Cohere says: alpha beta ');
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(lastBody()).toEqual({
        model: 'command-a-03-2025',
        stream: false,
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'alpha beta END gamma' },
        ],
        stop_sequences: ['END'],
        p: 0.5,
        max_tokens: 50,
        temperature: 0.2,
        seed: 7,
      });
    });

    it('maps MAX_TOKENS to length', async () => {
      const completion = await provider.complete(
        target,
        request('one two three four five', { max_tokens: 3 }),
      );

      expect(completion.choices[0]?.message.content).toBe('Cohere says: one');
      expect(completion.choices[0]?.finish_reason).toBe('length');
      expect(lastBody()['max_tokens']).toBe(3);
    });

    it('returns tool calls with content null; a named tool_choice sends REQUIRED and only that tool', async () => {
      const completion = await provider.complete(
        target,
        request('what time is it?', {
          tools: [TIME, WEATHER],
          tool_choice: { type: 'function', function: { name: 'get_weather' } },
        }),
      );

      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
      expect(completion.choices[0]?.message.content).toBeNull();
      expect(completion.choices[0]?.message.tool_calls).toEqual([
        {
          id: 'call_fake_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' },
        },
      ]);
      expect(lastBody()['tool_choice']).toBe('REQUIRED');
      expect(lastBody()['tools']).toEqual([
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: WEATHER.function.parameters,
          },
        },
      ]);
    });

    it("maps tool_choice 'required' to REQUIRED, 'none' to NONE and omits 'auto'", async () => {
      const required = await provider.complete(
        target,
        request('hi', { tools: [TIME], tool_choice: 'required' }),
      );
      expect(lastBody()['tool_choice']).toBe('REQUIRED');
      expect(required.choices[0]?.message.tool_calls?.[0]?.function.name).toBe('get_time');

      const none = await provider.complete(
        target,
        request('weather?', { tools: [WEATHER], tool_choice: 'none' }),
      );
      expect(lastBody()['tool_choice']).toBe('NONE');
      expect(none.choices[0]?.message.tool_calls).toBeUndefined();
      expect(none.choices[0]?.message.content).toBe('Cohere says: weather?');

      const auto = await provider.complete(
        target,
        request('weather?', { tools: [WEATHER], tool_choice: 'auto' }),
      );
      expect(lastBody()).not.toHaveProperty('tool_choice');
      expect(auto.choices[0]?.finish_reason).toBe('tool_calls');
    });

    it('sends a tool-call round trip in Cohere form', async () => {
      const completion = await provider.complete(target, {
        model: 'x',
        tools: [WEATHER],
        messages: [
          { role: 'user', content: 'weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
          { role: 'user', content: 'thanks' },
        ],
      });

      expect(completion.choices[0]?.message.content).toBe('Cohere says: thanks');
      expect((lastBody()['messages'] as unknown[]).slice(1)).toEqual([
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        { role: 'user', content: 'thanks' },
      ]);
    });

    it('turns finish_reason ERROR into a server error without the key', async () => {
      const error = await upstreamErrorOf(() =>
        provider.complete(withHeaders({ [FAKE_COHERE_HEADERS.finish]: 'ERROR' }), request('hello')),
      );

      expect(error.kind).toBe('server');
      expect(error.retryable).toBe(true);
      expect(error.upstreamMessage).toContain('ERROR');
    });

    it('rejects n > 1 as bad_request without calling Cohere', async () => {
      const before = fake.requests.length;
      const error = await upstreamErrorOf(() => provider.complete(target, request('hello', { n: 2 })));

      expect(error.kind).toBe('bad_request');
      expect(error.retryable).toBe(false);
      expect(fake.requests.length).toBe(before);
    });
  });

  describe('stream', () => {
    it('reassembles to the non-streamed text: role first, one finish_reason, a final usage chunk', async () => {
      const question = request('Explain retries with jitter please');
      const whole = await provider.complete(target, question);
      const chunks = await collect(provider.stream(target, { ...question, stream: true }));

      expect(lastBody()['stream']).toBe(true);
      expect(lastBody()).not.toHaveProperty('stream_options');
      expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
      expect(chunks.slice(1).every((c) => c.choices[0]?.delta.role === undefined)).toBe(true);
      expect(streamedText(chunks)).toBe(whole.choices[0]?.message.content);
      expect(chunks.length).toBeGreaterThan(4); // word-sized deltas, not one blob
      const finishes = chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason).filter(Boolean));
      expect(finishes).toEqual(['stop']);
      const last = chunks[chunks.length - 1];
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toEqual(whole.usage);
      expect(new Set(chunks.map((c) => c.id))).toEqual(new Set([whole.id]));
      expect(
        chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'command-a-03-2025'),
      ).toBe(true);
    });

    it('streams two tool calls: id and name first, then argument fragments per index', async () => {
      const chunks = await collect(
        provider.stream(
          target,
          request('use all tools', { tools: [WEATHER, TIME], tool_choice: 'required' }),
        ),
      );

      const calls = new Map<number, { id?: string; name?: string; args: string; fragments: number }>();
      for (const chunk of chunks) {
        for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
          const call = calls.get(delta.index);
          if (!call) {
            expect(delta.id).toBeDefined();
            expect(delta.function?.name).toBeDefined();
            calls.set(delta.index, {
              id: delta.id,
              name: delta.function?.name,
              args: delta.function?.arguments ?? '',
              fragments: 0,
            });
          } else {
            expect(delta.id).toBeUndefined();
            call.args += delta.function?.arguments ?? '';
            call.fragments += 1;
          }
        }
      }
      expect([...calls.keys()]).toEqual([0, 1]);
      expect(calls.get(0)).toMatchObject({ id: 'call_fake_1', name: 'get_weather' });
      expect(calls.get(1)).toMatchObject({ id: 'call_fake_2', name: 'get_time' });
      for (const call of calls.values()) {
        expect(JSON.parse(call.args)).toEqual({ location: 'Paris', unit: 'celsius' });
        expect(call.fragments).toBeGreaterThan(1);
      }
      expect(streamedText(chunks)).toBe(''); // the tool plan is not content
      const finishes = chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason).filter(Boolean));
      expect(finishes).toEqual(['tool_calls']);
      expect(chunks[chunks.length - 1]?.usage?.completion_tokens).toBe(24);
    });

    it('a stream cut after some events fails as stream_interrupted after yielding them', async () => {
      const received: ChatCompletionChunk[] = [];
      const error = await upstreamErrorOf(async () => {
        for await (const chunk of provider.stream(
          withHeaders({ [FAKE_COHERE_HEADERS.cutAfterEvents]: '4' }),
          request('one two three four five six'),
        )) {
          received.push(chunk);
        }
      });

      // message-start (role), content-start (empty), two content-deltas
      expect(received).toHaveLength(3);
      expect(streamedText(received)).toBe('Cohere says: ');
      expect(error.kind).toBe('stream_interrupted');
      expect(error.retryable).toBe(false);
      expectNoKey(error, API_KEY);
    });

    it('a stream cut before any event fails with a retryable kind, not stream_interrupted', async () => {
      const error = await upstreamErrorOf(() =>
        collect(
          provider.stream(withHeaders({ [FAKE_COHERE_HEADERS.cutAfterEvents]: '0' }), request('hello')),
        ),
      );

      expect(['server', 'connection']).toContain(error.kind);
      expect(error.retryable).toBe(true);
    });

    it('an ERROR finish inside a stream is stream_interrupted without the key', async () => {
      const error = await upstreamErrorOf(() =>
        collect(provider.stream(withHeaders({ [FAKE_COHERE_HEADERS.finish]: 'ERROR' }), request('hello'))),
      );

      expect(error.kind).toBe('stream_interrupted');
      expect(error.upstreamMessage).toContain('ERROR');
      expect(error.upstreamMessage).toContain('[REDACTED]');
      expectNoKey(error, API_KEY);
    });

    it('breaking out early cancels the upstream request and the provider keeps working', async () => {
      for await (const chunk of provider.stream(target, request('one two three four five'))) {
        expect(chunk.choices[0]?.delta.role).toBe('assistant');
        break;
      }
      const again = await provider.complete(target, request('again'));
      expect(again.choices[0]?.message.content).toBe('Cohere says: again');
    });
  });

  describe('errors', () => {
    const cases: Array<[status: number, kind: UpstreamError['kind'], retryable: boolean]> = [
      [400, 'bad_request', false],
      [401, 'auth', true],
      [403, 'auth', true],
      [404, 'not_found', false],
      [422, 'bad_request', false],
      [500, 'server', true],
      [503, 'server', true],
    ];

    it.each(cases)('HTTP %i → %s (complete and stream), without the key', async (status, kind, retryable) => {
      const failing = withHeaders({ [FAKE_COHERE_HEADERS.fail]: String(status) });
      const completeError = await upstreamErrorOf(() => provider.complete(failing, request('hello')));
      const streamError = await upstreamErrorOf(() => collect(provider.stream(failing, request('hello'))));

      for (const error of [completeError, streamError]) {
        expect(error.kind).toBe(kind);
        expect(error.status).toBe(status);
        expect(error.retryable).toBe(retryable);
        expect(error.providerSlug).toBe('cohere');
        expect(error.upstreamMessage).toContain(`forced failure ${status}`); // read from Cohere's {message}
        expectNoKey(error, API_KEY);
      }
    });

    it('429 → rate_limited with retry-after (complete and stream)', async () => {
      const limited = withHeaders({
        [FAKE_COHERE_HEADERS.fail]: '429',
        [FAKE_COHERE_HEADERS.retryAfter]: '3',
      });
      for (const error of [
        await upstreamErrorOf(() => provider.complete(limited, request('hello'))),
        await upstreamErrorOf(() => collect(provider.stream(limited, request('hello')))),
      ]) {
        expect(error.kind).toBe('rate_limited');
        expect(error.status).toBe(429);
        expect(error.retryAfterMs).toBe(3_000);
        expect(error.retryable).toBe(true);
        expectNoKey(error, API_KEY);
      }
    });

    it('a wrong key → auth, and the key the server echoed is redacted', async () => {
      const wrongKey = 'co-wrong-key-abcdef987654';
      const error = await upstreamErrorOf(() =>
        provider.complete({ ...target, apiKey: wrongKey }, request('hello')),
      );

      expect(error.kind).toBe('auth');
      expect(error.status).toBe(401);
      expect(error.upstreamMessage).toContain('invalid api token');
      expect(error.upstreamMessage).toContain('[REDACTED]');
      expectNoKey(error, wrongKey);
    });

    it('a body Cohere rejects (top_p out of range after translation) → bad_request with its message', async () => {
      const error = await upstreamErrorOf(() => provider.complete(target, request('hello', { top_p: 1 })));

      expect(error.kind).toBe('bad_request');
      expect(error.status).toBe(400);
      expect(error.upstreamMessage).toBe('invalid request: p must be between 0.01 and 0.99');
    });

    it('a wrong base path → not_found', async () => {
      const error = await upstreamErrorOf(() =>
        provider.complete({ ...target, baseUrl: `${fake.url}/v1` }, request('hello')),
      );

      expect(error.kind).toBe('not_found');
      expect(error.status).toBe(404);
    });

    it('a refused connection → connection', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));

      const error = await upstreamErrorOf(() =>
        provider.complete({ ...target, baseUrl: `http://127.0.0.1:${port}/v2` }, request('hello')),
      );
      expect(error.kind).toBe('connection');
      expectNoKey(error, API_KEY);
    });

    it('no headers within timeoutMs → timeout (complete and stream)', async () => {
      const silent: Server = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = silent.address() as AddressInfo;
        const slow = { ...target, baseUrl: `http://127.0.0.1:${port}/v2`, timeoutMs: 150 };
        const completeError = await upstreamErrorOf(() => provider.complete(slow, request('hello')));
        const streamError = await upstreamErrorOf(() => collect(provider.stream(slow, request('hello'))));

        expect(completeError.kind).toBe('timeout');
        expect(streamError.kind).toBe('timeout');
      } finally {
        silent.closeAllConnections();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });

    it("a caller abort rethrows the signal's reason", async () => {
      const controller = new AbortController();
      const reason = new Error('client went away');
      // The client goes away once the request is in flight: the server has it and never answers.
      const silent: Server = createServer(() => controller.abort(reason));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = silent.address() as AddressInfo;
        await expect(
          provider.complete(
            { ...target, baseUrl: `http://127.0.0.1:${port}/v2` },
            request('hi'),
            controller.signal,
          ),
        ).rejects.toBe(reason);
      } finally {
        silent.closeAllConnections();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });
  });

  describe('the official openai client reads what the adapter produces', () => {
    let relay: Server;
    let client: OpenAI;

    beforeAll(async () => {
      // Serves the adapter's output as OpenAI JSON / SSE, as the gateway would.
      relay = await serveAsOpenAI(provider, target);
      const { port } = relay.address() as AddressInfo;
      client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 });
    });
    afterAll(async () => {
      relay.closeAllConnections();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    });

    it('parses a completion with usage', async () => {
      const completion = await client.chat.completions.create({
        model: 'alias',
        messages: [{ role: 'user', content: 'hello openai' }],
      });

      expect(completion.choices[0]?.message.content).toBe('Cohere says: hello openai');
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage?.total_tokens).toBe(6);
    });

    it('reassembles a streamed tool call with the stream helper', async () => {
      const runner = client.chat.completions.stream({
        model: 'alias',
        messages: [{ role: 'user', content: 'weather in Paris?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      });
      const final = await runner.finalChatCompletion();

      expect(final.choices[0]?.finish_reason).toBe('tool_calls');
      const call = final.choices[0]?.message.tool_calls?.[0];
      expect(call?.type).toBe('function');
      expect(call?.type === 'function' ? call.function : undefined).toEqual({
        name: 'get_weather',
        arguments: '{"location":"Paris","unit":"celsius"}',
      });
      expect(call?.id).toBe('call_fake_1');
    });

    it('iterates streamed text chunks and the usage chunk', async () => {
      const stream = await client.chat.completions.create({
        model: 'alias',
        messages: [{ role: 'user', content: 'stream me please' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }

      expect(text).toBe('Cohere says: stream me please');
      expect(usage).toEqual({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
    });
  });
});
