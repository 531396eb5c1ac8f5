import {
  kindForAnthropicErrorType,
  toChatCompletion,
  toCompletionUsage,
  toFinishReason,
} from './anthropic-response-translation';
import type { AnthropicMessage } from './anthropic-wire';

const message = (extra: Partial<AnthropicMessage>): AnthropicMessage => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-test',
  content: [],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 3 },
  ...extra,
});

describe('toChatCompletion', () => {
  it('joins text blocks into content and keeps id, model and created', () => {
    const completion = toChatCompletion(
      message({
        content: [{ type: 'text', text: 'Hello ' }, { type: 'thinking' }, { type: 'text', text: 'world' }],
      }),
      1_700_000_000,
    );

    expect(completion).toMatchObject({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-test',
    });
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message).toEqual({
      role: 'assistant',
      content: 'Hello world',
      refusal: null,
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('turns tool_use blocks into tool_calls with JSON arguments and null content', () => {
    const completion = toChatCompletion(
      message({
        stop_reason: 'tool_use',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: 2 } },
          { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
        ],
      }),
    );

    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      {
        id: 'toolu_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","days":2}' },
      },
      { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
    ]);
  });

  it('keeps text next to tool calls and gives empty content for an empty answer', () => {
    const both = toChatCompletion(
      message({
        content: [
          { type: 'text', text: 'Checking' },
          { type: 'tool_use', id: 't', name: 'f', input: {} },
        ],
      }),
    );
    expect(both.choices[0]?.message.content).toBe('Checking');
    expect(toChatCompletion(message({})).choices[0]?.message.content).toBe('');
  });
});

describe('toFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
  ] as const)('%s → %s', (reason, expected) => {
    expect(toFinishReason(reason)).toBe(expected);
  });
});

describe('toCompletionUsage', () => {
  it('counts cache reads and writes as prompt tokens; reads are cached_tokens, writes cache_write_tokens', () => {
    expect(
      toCompletionUsage({
        input_tokens: 20,
        output_tokens: 7,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 300,
      }),
    ).toEqual({
      prompt_tokens: 1320,
      completion_tokens: 7,
      total_tokens: 1327,
      prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 300 },
    });
  });

  it('reports the one-hour part of the cache writes as cache_write_1h_tokens', () => {
    expect(
      toCompletionUsage({
        input_tokens: 20,
        output_tokens: 7,
        cache_creation_input_tokens: 300,
        cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      }).prompt_tokens_details,
    ).toEqual({ cached_tokens: 0, cache_write_tokens: 300, cache_write_1h_tokens: 200 });
  });

  it('treats missing and null cache fields as zero', () => {
    expect(toCompletionUsage({ input_tokens: 4, output_tokens: 2, cache_read_input_tokens: null })).toEqual({
      prompt_tokens: 4,
      completion_tokens: 2,
      total_tokens: 6,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});

describe('kindForAnthropicErrorType', () => {
  it.each([
    ['rate_limit_error', 'rate_limited'],
    ['overloaded_error', 'server'],
    ['api_error', 'server'],
    ['authentication_error', 'auth'],
    ['permission_error', 'auth'],
    ['invalid_request_error', 'bad_request'],
    ['not_found_error', 'not_found'],
    ['something_new', 'server'],
  ] as const)('%s → %s', (type, kind) => {
    expect(kindForAnthropicErrorType(type)).toBe(kind);
  });
});
