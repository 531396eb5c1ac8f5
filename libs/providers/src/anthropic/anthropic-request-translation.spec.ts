import { upstreamErrorThrownBy } from '../testing/upstream-test-helpers';
import type { ChatCompletionRequest } from '../openai-wire';
import { DEFAULT_MAX_TOKENS, toAnthropicRequest } from './anthropic-request-translation';
import { checkAnthropicRequest } from './testing/anthropic-request-checks';

const options = { model: 'claude-test', stream: false, providerSlug: 'anthropic' };
const headers = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };

function translate(extra: Partial<ChatCompletionRequest>, opts = options) {
  return toAnthropicRequest({ model: 'alias', messages: [{ role: 'user', content: 'hi' }], ...extra }, opts);
}

describe('toAnthropicRequest', () => {
  it('moves system and developer messages into `system` and uses the target model', () => {
    const out = translate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        { role: 'user', content: 'hi' },
      ],
    });

    expect(out.system).toBe('Be brief.\n\nUse metric units.');
    expect(out.model).toBe('claude-test');
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
    expect(out).not.toHaveProperty('stream');
    expect(checkAnthropicRequest('/v1/messages', headers, out, 'k')).toBeUndefined();
  });

  it('turns tool calls into tool_use and merges consecutive tool results (and a user message) into one user turn', () => {
    const out = translate({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
        { role: 'user', content: 'Which is warmer?' },
      ],
    });

    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '24C' },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
    ]);
    expect(checkAnthropicRequest('/v1/messages', headers, out, 'k')).toBeUndefined();
  });

  it('keeps assistant text before its tool_use blocks', () => {
    const out = translate({
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '' } }],
        },
        { role: 'tool', tool_call_id: 'c', content: 'ok' },
      ],
    });

    expect(out.messages[1]?.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'c', name: 'f', input: {} },
    ]);
  });

  it('translates data: images to base64 sources and http(s) images to url sources', () => {
    const out = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });

    expect(out.messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('rejects images that are neither base64 data URLs nor http(s)', () => {
    const error = upstreamErrorThrownBy(() =>
      translate({
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }],
      }),
    );
    expect(error.kind).toBe('bad_request');
    expect(error.upstreamMessage).toContain('messages[0].content[0]');
  });

  it('translates tools and every tool_choice', () => {
    const tools: ChatCompletionRequest['tools'] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
      { type: 'function', function: { name: 'now' } },
    ];

    const auto = translate({ tools, tool_choice: 'auto' });
    expect(auto.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(auto.tool_choice).toEqual({ type: 'auto' });
    expect(translate({ tools, tool_choice: 'required' }).tool_choice).toEqual({ type: 'any' });
    expect(translate({ tools, tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(
      translate({ tools, tool_choice: { type: 'function', function: { name: 'now' } } }).tool_choice,
    ).toEqual({ type: 'tool', name: 'now' });
    expect(translate({ tools, parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(translate({ tools }).tool_choice).toBeUndefined();
    expect(translate({ tool_choice: 'none' })).not.toHaveProperty('tool_choice');
  });

  it('maps stop, max tokens, sampling and user, and drops fields Anthropic does not accept', () => {
    const out = translate(
      {
        stop: 'END',
        max_tokens: 100,
        max_completion_tokens: 50,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        user: 'user-42',
        seed: 7,
        presence_penalty: 1,
        response_format: { type: 'json_object' },
        stream_options: { include_usage: true },
      },
      { ...options, stream: true },
    );

    expect(out).toEqual({
      model: 'claude-test',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      max_tokens: 50,
      stop_sequences: ['END'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-42' },
      stream: true,
    });
    expect(translate({ stop: ['a', 'b'], max_tokens: 9 })).toMatchObject({
      stop_sequences: ['a', 'b'],
      max_tokens: 9,
    });
    expect(translate({}).max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(DEFAULT_MAX_TOKENS).toBe(4096);
  });

  it('rejects n > 1 as bad_request (not retryable) and accepts n = 1', () => {
    const error = upstreamErrorThrownBy(() => translate({ n: 2 }));
    expect(error.kind).toBe('bad_request');
    expect(error.retryable).toBe(false);
    expect(error.providerSlug).toBe('anthropic');
    expect(translate({ n: 1 }).messages).toHaveLength(1);
  });

  it('rejects tool call arguments that are not a JSON object', () => {
    const history = (args: string): Partial<ChatCompletionRequest> => ({
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }],
        },
        { role: 'tool', tool_call_id: 'c', content: 'r' },
      ],
    });
    expect(upstreamErrorThrownBy(() => translate(history('{oops'))).upstreamMessage).toContain('not JSON');
    expect(upstreamErrorThrownBy(() => translate(history('[1]'))).upstreamMessage).toContain(
      'not a JSON object',
    );
  });
});
