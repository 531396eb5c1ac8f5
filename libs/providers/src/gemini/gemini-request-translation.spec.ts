import { upstreamErrorThrownBy } from '../testing/upstream-test-helpers';
import type { ChatCompletionRequest } from '../openai-wire';
import { toGeminiRequest, toGeminiSchema } from './gemini-request-translation';

const base = (
  messages: ChatCompletionRequest['messages'],
  extra: Partial<ChatCompletionRequest> = {},
): ChatCompletionRequest => ({
  model: 'm',
  messages,
  ...extra,
});

describe('toGeminiRequest', () => {
  it('moves system and developer messages (wherever they are) into systemInstruction, in order', () => {
    const body = toGeminiRequest(
      base([
        { role: 'system', content: 'rule one' },
        { role: 'user', content: 'hi' },
        { role: 'developer', content: [{ type: 'text', text: 'rule two' }] },
      ]),
      'g',
    );
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'rule one' }, { text: 'rule two' }] });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
  });

  it('maps assistant to model, merges consecutive turns of one role and skips empty assistant turns', () => {
    const body = toGeminiRequest(
      base([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: '' },
        { role: 'assistant', content: [{ type: 'text', text: 'c' }] },
      ]),
      'g',
    );
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }] },
    ]);
  });

  it('names function responses after the nearest earlier call with that id, and parses JSON results', () => {
    const body = toGeminiRequest(
      base([
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'first', arguments: '' } }],
        },
        { role: 'tool', tool_call_id: 'call_0', content: '[1,2]' },
        {
          role: 'assistant',
          content: 'thinking',
          tool_calls: [
            { id: 'call_0', type: 'function', function: { name: 'second', arguments: '{"x":1}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_0', content: [{ type: 'text', text: '{not json' }] },
      ]),
      'g',
    );
    expect(body.contents.slice(1)).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'first', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'first', response: { content: [1, 2] } } }] },
      { role: 'model', parts: [{ text: 'thinking' }, { functionCall: { name: 'second', args: { x: 1 } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'second', response: { content: '{not json' } } }] },
    ]);
  });

  it('rejects a tool message that answers no call, invalid arguments, remote images and no conversation', () => {
    expect(
      upstreamErrorThrownBy(() =>
        toGeminiRequest(base([{ role: 'tool', tool_call_id: 'nope', content: 'x' }]), 'g'),
      ).kind,
    ).toBe('bad_request');
    const args = upstreamErrorThrownBy(() =>
      toGeminiRequest(
        base([
          {
            role: 'assistant',
            tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{bad' } }],
          },
        ]),
        'g',
      ),
    );
    expect(args.upstreamMessage).toContain('not valid JSON');
    const image = upstreamErrorThrownBy(() =>
      toGeminiRequest(
        base([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/y.png' } }] }]),
        'g',
      ),
    );
    expect(image.upstreamMessage).toContain('data: URLs');
    expect(image.providerSlug).toBe('g');
    expect(
      upstreamErrorThrownBy(() => toGeminiRequest(base([{ role: 'system', content: 'only rules' }]), 'g'))
        .upstreamMessage,
    ).toContain('no user or assistant messages');
  });

  it('maps sampling, limits, stop, n, seed, penalties, top_k and response formats to generationConfig', () => {
    const body = toGeminiRequest(
      base([{ role: 'user', content: 'q' }], {
        temperature: 0,
        top_p: 0.5,
        top_k: 40,
        max_tokens: 100,
        max_completion_tokens: 50,
        stop: ['x', 'y'],
        n: 3,
        seed: 7,
        presence_penalty: 0.1,
        frequency_penalty: 0.2,
        logit_bias: { '1': 2 },
        user: 'u',
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 's',
            schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
          },
        },
      }),
      'g',
    );
    expect(body.generationConfig).toEqual({
      temperature: 0,
      topP: 0.5,
      topK: 40,
      maxOutputTokens: 50,
      stopSequences: ['x', 'y'],
      candidateCount: 3,
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'string' } } },
    });
    expect(Object.keys(body)).toEqual(['contents', 'generationConfig']);
    expect(
      toGeminiRequest(base([{ role: 'user', content: 'q' }], { max_tokens: 9 }), 'g').generationConfig,
    ).toEqual({ maxOutputTokens: 9 });
    expect(
      toGeminiRequest(base([{ role: 'user', content: 'q' }], { n: 1 }), 'g').generationConfig,
    ).toBeUndefined();
  });

  it('maps tool_choice to functionCallingConfig and omits parameters of a function without properties', () => {
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'ping', parameters: { type: 'object' as const, properties: {} } },
      },
    ];
    const toolConfig = (choice: ChatCompletionRequest['tool_choice']): unknown =>
      toGeminiRequest(base([{ role: 'user', content: 'q' }], { tools, tool_choice: choice }), 'g').toolConfig;
    expect(toolConfig(undefined)).toBeUndefined();
    expect(toolConfig('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(toolConfig('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(toolConfig('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(toolConfig({ type: 'function', function: { name: 'ping' } })).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['ping'] },
    });
    expect(toGeminiRequest(base([{ role: 'user', content: 'q' }], { tools }), 'g').tools).toEqual([
      { functionDeclarations: [{ name: 'ping' }] },
    ]);
  });
});

describe('toGeminiSchema', () => {
  it('drops keywords Gemini rejects, recursively, and rewrites const, nullable types, enums and formats', () => {
    expect(
      toGeminiSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: 'x',
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: { const: 'fixed' },
          when: { type: 'string', format: 'date-time' },
          mail: { type: 'string', format: 'email' },
          size: { type: ['integer', 'null'], minimum: 1, default: 3 },
          level: { enum: [1, 2] },
          tags: {
            type: 'array',
            items: { type: 'object', additionalProperties: true, properties: { t: { type: 'string' } } },
          },
          either: { anyOf: [{ type: 'string', $ref: '#/x' }, { type: 'number' }] },
        },
        required: ['kind'],
        $defs: { x: { type: 'string' } },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        kind: { enum: ['fixed'] },
        when: { type: 'string', format: 'date-time' },
        mail: { type: 'string' },
        size: { type: 'integer', nullable: true, minimum: 1 },
        level: {},
        tags: { type: 'array', items: { type: 'object', properties: { t: { type: 'string' } } } },
        either: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      },
      required: ['kind'],
    });
  });
});
