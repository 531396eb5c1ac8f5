import { upstreamErrorThrownBy } from '../testing/upstream-test-helpers';
import type { ChatCompletionRequest } from '../openai-wire';
import { toCohereRequest } from './cohere-request-translation';

const options = { model: 'command-a', stream: false, providerSlug: 'cohere' };
const base = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'alias',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const tool = (name: string) => ({
  type: 'function' as const,
  function: { name, parameters: { type: 'object' as const } },
});

describe('toCohereRequest', () => {
  it('replaces the model, sets stream and sends nothing else for a minimal request', () => {
    expect(toCohereRequest(base(), { ...options, stream: true })).toEqual({
      model: 'command-a',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
  });

  it('maps roles: developer → system, names dropped, parts kept, image detail dropped', () => {
    const body = toCohereRequest(
      base({
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'sys' }], name: 'x' },
          { role: 'developer', content: 'dev' },
          {
            role: 'user',
            name: 'bob',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
            ],
          },
          { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
          { role: 'assistant', content: null },
        ],
      }),
      options,
    );

    expect(body.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'sys' }] },
      { role: 'system', content: 'dev' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
      { role: 'assistant', content: '' },
    ]);
  });

  it('keeps assistant tool calls (with text when present) and tool results', () => {
    const calls = [{ id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{"a":1}' } }];
    const body = toCohereRequest(
      base({
        messages: [
          { role: 'assistant', content: 'let me check', tool_calls: calls },
          { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '42' }] },
        ],
      }),
      options,
    );

    expect(body.messages).toEqual([
      { role: 'assistant', content: 'let me check', tool_calls: calls },
      { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '42' }] },
    ]);
  });

  it.each([
    ['required', 'REQUIRED'],
    ['none', 'NONE'],
  ] as const)("maps tool_choice '%s' to %s and keeps every tool", (choice, expected) => {
    const body = toCohereRequest(base({ tools: [tool('a'), tool('b')], tool_choice: choice }), options);

    expect(body.tool_choice).toBe(expected);
    expect(body.tools?.map((t) => t.function.name)).toEqual(['a', 'b']);
  });

  it("omits tool_choice 'auto' and drops tools' strict", () => {
    const strict = { type: 'function' as const, function: { name: 'a', description: 'd', strict: true } };
    const body = toCohereRequest(base({ tools: [strict], tool_choice: 'auto' }), options);

    expect(body).not.toHaveProperty('tool_choice');
    expect(body.tools).toEqual([{ type: 'function', function: { name: 'a', description: 'd' } }]);
  });

  it('turns a named tool_choice into REQUIRED with only that tool', () => {
    const body = toCohereRequest(
      base({ tools: [tool('a'), tool('b')], tool_choice: { type: 'function', function: { name: 'b' } } }),
      options,
    );

    expect(body.tool_choice).toBe('REQUIRED');
    expect(body.tools?.map((t) => t.function.name)).toEqual(['b']);
  });

  it('rejects a named tool_choice that is not in tools', () => {
    const error = upstreamErrorThrownBy(() =>
      toCohereRequest(
        base({ tools: [tool('a')], tool_choice: { type: 'function', function: { name: 'zz' } } }),
        options,
      ),
    );

    expect(error.kind).toBe('bad_request');
    expect(error.upstreamMessage).toContain('zz');
  });

  it('rejects n > 1 and accepts n = 1', () => {
    expect(upstreamErrorThrownBy(() => toCohereRequest(base({ n: 3 }), options)).kind).toBe('bad_request');
    expect(toCohereRequest(base({ n: 1 }), options)).not.toHaveProperty('n');
  });

  it('renames sampling fields and prefers max_completion_tokens', () => {
    const body = toCohereRequest(
      base({
        stop: ['a', 'b'],
        top_p: 0.3,
        max_tokens: 10,
        max_completion_tokens: 20,
        temperature: 0,
        seed: 1,
        frequency_penalty: 0.1,
        presence_penalty: 0.2,
      }),
      options,
    );

    expect(body).toMatchObject({
      stop_sequences: ['a', 'b'],
      p: 0.3,
      max_tokens: 20,
      temperature: 0,
      seed: 1,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
    });
    expect(body).not.toHaveProperty('stop');
    expect(body).not.toHaveProperty('top_p');
    expect(toCohereRequest(base({ max_tokens: 10, stop: 'x' }), options)).toMatchObject({
      max_tokens: 10,
      stop_sequences: ['x'],
    });
  });

  it('maps response_format json_object and json_schema; omits text', () => {
    expect(
      toCohereRequest(base({ response_format: { type: 'json_object' } }), options).response_format,
    ).toEqual({
      type: 'json_object',
    });
    const schema = { type: 'object' as const, properties: { a: { type: 'string' as const } } };
    expect(
      toCohereRequest(
        base({ response_format: { type: 'json_schema', json_schema: { name: 's', schema } } }),
        options,
      ).response_format,
    ).toEqual({ type: 'json_object', json_schema: schema });
    expect(toCohereRequest(base({ response_format: { type: 'text' } }), options)).not.toHaveProperty(
      'response_format',
    );
  });

  it('drops OpenAI-only and unknown fields but passes Cohere extensions through', () => {
    const body = toCohereRequest(
      base({
        logprobs: true,
        logit_bias: { '1': 2 },
        user: 'u',
        parallel_tool_calls: false,
        stream_options: { include_usage: true },
        store: true,
        some_vendor_field: 1,
        safety_mode: 'OFF',
        k: 5,
      }),
      options,
    );

    expect(Object.keys(body).sort()).toEqual(['k', 'messages', 'model', 'safety_mode', 'stream']);
  });
});
