import { ApiError } from '../../core/http/api-error';
import { eventsOf, SseDecoder, streamChat, type ChatStreamEvent } from './chat-stream';

const sseResponse = (parts: readonly string[], headers: Record<string, string> = {}): Response => {
  const bytes = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(bytes.encode(part));
      controller.close();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', ...headers },
  });
};

const chunk = (content: string): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;

const collect = async (events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> => {
  const all: ChatStreamEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
};

const HEADERS = {
  'x-switchyard-request-id': '0b7d6f0e-1c1e-4a43-9d55-111111111111',
  'x-switchyard-provider': 'swift',
  'x-switchyard-model': 'swift/mini',
  'x-switchyard-attempts': '2',
};

describe('SseDecoder', () => {
  it('returns each event’s data once its blank line has arrived, across chunk boundaries', () => {
    const sse = new SseDecoder();
    expect(sse.push('data: {"a"')).toEqual([]);
    expect(sse.push(':1}\n')).toEqual([]);
    expect(sse.push('\ndata: [DONE]\r\n\r\n: comment\n\n')).toEqual(['{"a":1}', '[DONE]']);
  });

  it('keeps an event without its blank line for rest()', () => {
    const sse = new SseDecoder();
    sse.push('data: [DONE]');
    expect(sse.rest()).toBe('[DONE]');
  });
});

describe('eventsOf', () => {
  it('reads the usage chunk and the gateway’s cost and charge extension', () => {
    const data = JSON.stringify({
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 },
      switchyard: { cost_micros: '1500', charge_micros: '1800' },
    });
    expect(eventsOf(data, null)).toEqual([
      {
        kind: 'usage',
        usage: {
          promptTokens: 12,
          completionTokens: 30,
          totalTokens: 42,
          costMicros: '1500',
          chargeMicros: '1800',
        },
      },
    ]);
  });

  it('throws the error event of a broken stream as an ApiError with its message', () => {
    const data = JSON.stringify({
      error: {
        message: 'The upstream stream failed: timeout',
        type: 'api_error',
        code: 'upstream_stream_interrupted',
      },
    });
    expect(() => eventsOf(data, 'r1')).toThrowError(ApiError);
    try {
      eventsOf(data, 'r1');
    } catch (e) {
      expect((e as ApiError).code).toBe('upstream_stream_interrupted');
      expect((e as ApiError).describe()).toBe('The upstream stream failed: timeout (request id r1)');
    }
  });
});

describe('streamChat', () => {
  it('sends the bearer, the power level header and stream options; yields meta, text, usage and done', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetchFn = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return sseResponse(
        [
          chunk('Hel'),
          chunk('lo'),
          `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 }, switchyard: { cost_micros: '7', charge_micros: '9' } })}\n\n`,
          'data: [DONE]\n\n',
        ],
        HEADERS,
      );
    }) as unknown as typeof fetch;

    const events = await collect(
      streamChat(
        { model: 'auto', message: 'Hi', powerLevel: 'eco' },
        'sk-sy-test',
        new AbortController().signal,
        fetchFn,
      ),
    );

    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/v1/chat/completions');
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers['authorization']).toBe('Bearer sk-sy-test');
    expect(headers['x-power-level']).toBe('eco');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({
      model: 'auto',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(events[0]).toEqual({
      kind: 'meta',
      meta: {
        requestId: HEADERS['x-switchyard-request-id'],
        provider: 'swift',
        model: 'swift/mini',
        attempts: 2,
        byok: null,
        capWarning: null,
        deprecated: null,
        ignoredParams: null,
      },
    });
    expect(events.slice(1)).toEqual([
      { kind: 'delta', text: 'Hel' },
      { kind: 'delta', text: 'lo' },
      {
        kind: 'usage',
        usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5, costMicros: '7', chargeMicros: '9' },
      },
      { kind: 'done' },
    ]);
  });

  it('sends no power level header when the account’s own level is wanted', async () => {
    let sent: Record<string, string> = {};
    const fetchFn = (async (_url: string, init: RequestInit) => {
      sent = init.headers as Record<string, string>;
      return sseResponse(['data: [DONE]\n\n'], HEADERS);
    }) as unknown as typeof fetch;
    await collect(
      streamChat(
        { model: 'auto', message: 'Hi', powerLevel: null },
        't',
        new AbortController().signal,
        fetchFn,
      ),
    );
    expect('x-power-level' in sent).toBe(false);
  });

  it('turns an OpenAI-shaped error answer (402 out of credits) into an ApiError with its message', async () => {
    const fetchFn = (async () =>
      new Response(
        JSON.stringify({
          error: {
            message: 'Your credit balance is too low.',
            type: 'insufficient_quota',
            code: 'insufficient_credits',
          },
        }),
        { status: 402, headers: { 'content-type': 'application/json', 'x-switchyard-request-id': 'r402' } },
      )) as unknown as typeof fetch;
    const run = collect(
      streamChat(
        { model: 'auto', message: 'Hi', powerLevel: null },
        't',
        new AbortController().signal,
        fetchFn,
      ),
    );
    await expect(run).rejects.toMatchObject({
      status: 402,
      code: 'insufficient_credits',
      detail: 'Your credit balance is too low.',
      correlationId: 'r402',
    });
  });

  it('reports a stream that ends before [DONE] as incomplete, after the text that did arrive', async () => {
    const fetchFn = (async () => sseResponse([chunk('partial')], HEADERS)) as unknown as typeof fetch;
    const seen: ChatStreamEvent[] = [];
    const run = (async () => {
      for await (const e of streamChat(
        { model: 'auto', message: 'Hi', powerLevel: null },
        't',
        new AbortController().signal,
        fetchFn,
      ))
        seen.push(e);
    })();
    await expect(run).rejects.toMatchObject({ code: 'stream_incomplete', status: 502 });
    expect(seen.map((e) => e.kind)).toEqual(['meta', 'delta']);
  });
});
