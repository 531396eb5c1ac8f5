import type { ChatCompletionChunk } from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import { AnthropicStreamTranslator } from './anthropic-stream-translation';
import type { AnthropicMessage, AnthropicStreamEvent } from './anthropic-wire';
import { eventsForMessage } from './testing/fake-anthropic-server';

const KEY = 'sk-ant-api03-SECRETSECRETSECRET';

const message = (extra: Partial<AnthropicMessage>): AnthropicMessage => ({
  id: 'msg_s',
  type: 'message',
  role: 'assistant',
  model: 'claude-test',
  content: [],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 11, output_tokens: 6, cache_read_input_tokens: 256, cache_creation_input_tokens: 0 },
  ...extra,
});

function run(
  events: AnthropicStreamEvent[],
  translator = new AnthropicStreamTranslator('anthropic', KEY, 'fallback', 1),
) {
  const chunks: ChatCompletionChunk[] = [];
  for (const event of events) chunks.push(...translator.translate(JSON.stringify(event)));
  return { chunks, translator };
}

describe('AnthropicStreamTranslator', () => {
  it('streams text: role first, content deltas, one finish_reason, then a usage chunk', () => {
    const { chunks, translator } = run(
      eventsForMessage(message({ content: [{ type: 'text', text: 'Hello there, world' }] })),
    );

    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello there, world');
    const finishes = chunks.filter((c) => c.choices.some((choice) => choice.finish_reason !== null));
    expect(finishes).toHaveLength(1);
    expect(finishes[0]?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({
      prompt_tokens: 267,
      completion_tokens: 6,
      total_tokens: 273,
      prompt_tokens_details: { cached_tokens: 256 },
    });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(new Set(chunks.map((c) => `${c.id}|${c.model}|${c.created}|${c.object}`))).toEqual(
      new Set(['msg_s|claude-test|1|chat.completion.chunk']),
    );
    expect(translator.complete).toBe(true);
  });

  it('streams tool calls with OpenAI indexes, id/type/name first, then argument fragments', () => {
    const { chunks } = run(
      eventsForMessage(
        message({
          stop_reason: 'tool_use',
          content: [
            { type: 'text', text: 'Looking up' },
            { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: { zone: 'Europe/Rome' } },
          ],
        }),
      ),
    );

    const deltas = chunks.flatMap((c) => c.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(deltas[0]).toEqual({
      index: 0,
      id: 'toolu_a',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    for (const delta of deltas) {
      const call = calls.get(delta.index) ?? { args: '' };
      call.id ??= delta.id;
      call.name ??= delta.function?.name;
      call.args += delta.function?.arguments ?? '';
      calls.set(delta.index, call);
    }
    expect([...calls.entries()]).toEqual([
      [0, { id: 'toolu_a', name: 'get_weather', args: '{"city":"Paris"}' }],
      [1, { id: 'toolu_b', name: 'get_time', args: '{"zone":"Europe/Rome"}' }],
    ]);
    expect(deltas.filter((d) => d.id !== undefined)).toHaveLength(2);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('maps max_tokens to length and takes output tokens from the last message_delta', () => {
    const events = eventsForMessage(
      message({ stop_reason: 'max_tokens', content: [{ type: 'text', text: 'abc' }] }),
    );
    const { chunks } = run(events);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('length');
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(6);
  });

  it('ignores ping, content_block_stop, thinking deltas and unknown events', () => {
    const translator = new AnthropicStreamTranslator('anthropic', KEY, 'm');
    translator.translate(JSON.stringify(eventsForMessage(message({}))[0]));
    for (const event of [
      { type: 'ping' },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      { type: 'brand_new_event' },
    ]) {
      expect(translator.translate(JSON.stringify(event))).toEqual([]);
    }
    expect(translator.complete).toBe(false);
  });

  it('throws the mapped kind for an error event, without the key', () => {
    const translator = new AnthropicStreamTranslator('anthropic', KEY, 'm');
    let error: unknown;
    try {
      translator.translate(
        JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: `Overloaded ${KEY}` } }),
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe('server');
    expect((error as UpstreamError).upstreamMessage).toContain('overloaded_error: Overloaded');
    expect((error as UpstreamError).message).not.toContain(KEY);
  });

  it('throws server for data that is not a JSON object', () => {
    const translator = new AnthropicStreamTranslator('anthropic', KEY, 'm');
    expect(() => translator.translate('{not json')).toThrow(UpstreamError);
    expect(() => translator.translate('[1]')).toThrow(/not an object/);
  });
});
