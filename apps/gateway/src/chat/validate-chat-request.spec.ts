import { ValidationError } from '@gw/shared-kernel';
import { validateChatRequest } from './validate-chat-request';

const user = (content: unknown): Record<string, unknown> => ({ role: 'user', content });
const valid = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'auto',
  messages: [user('hi')],
  ...extra,
});

/** The parameter a body is refused for (a 400 ValidationError), or null when it is accepted. */
function refusedParam(body: unknown): string | null {
  try {
    validateChatRequest(body);
    return null;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.details.param as string | null;
  }
}

const call = (extra: Record<string, unknown> = {}) => ({
  id: 'call_1',
  type: 'function',
  function: { name: 'weather', arguments: '{}' },
  ...extra,
});

describe('validateChatRequest', () => {
  it('accepts a plain request and returns it as the DTO', () => {
    const dto = validateChatRequest(valid({ temperature: 0.5 }));
    expect(dto.model).toBe('auto');
    expect(dto.messages).toHaveLength(1);
    expect(dto.temperature).toBe(0.5);
  });

  it('accepts every documented parameter at once', () => {
    const body = valid({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Really.' }] },
        user([
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,AAAA', filename: 'a.pdf' } },
        ]),
        { role: 'assistant', content: null, tool_calls: [call()] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":3}' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
      ],
      audio: { voice: 'alloy', format: 'mp3' },
      frequency_penalty: -2,
      presence_penalty: 2,
      function_call: { name: 'weather' },
      functions: [{ name: 'weather', parameters: { type: 'object' } }],
      logit_bias: { '50256': -100, '11': 100 },
      logprobs: true,
      top_logprobs: 20,
      max_completion_tokens: 100,
      metadata: { team: 'rail' },
      modalities: ['text', 'audio'],
      n: 2,
      parallel_tool_calls: false,
      prediction: { type: 'content', content: 'old text' },
      prompt_cache_key: 'k',
      prompt_cache_retention: '24h',
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
      safety_identifier: 'u-1',
      seed: -7,
      service_tier: 'priority',
      stop: ['a', 'b', 'c', 'd'],
      store: true,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 2,
      tool_choice: { type: 'function', function: { name: 'weather' } },
      tools: [
        { type: 'function', function: { name: 'weather', parameters: { type: 'object' }, strict: true } },
      ],
      top_p: 1,
      user: 'end-user',
      verbosity: 'high',
      web_search_options: {
        search_context_size: 'low',
        user_location: { type: 'approximate', approximate: { city: 'Oslo' } },
      },
      power_level: 'eco',
      top_k: 40, // unknown: accepted here, dropped before the upstream
    });
    expect(refusedParam(body)).toBeNull();
  });

  it('treats null as "not given", as OpenAI does', () => {
    expect(
      refusedParam(
        valid({
          temperature: null,
          stop: null,
          tools: null,
          response_format: null,
          logit_bias: null,
          seed: null,
        }),
      ),
    ).toBeNull();
  });

  describe('the body', () => {
    it.each([[null], ['text'], [[1, 2]], [42]])('%j is not a request object', (body) => {
      expect(() => validateChatRequest(body)).toThrow(/must be a JSON object/);
    });

    it('more than 128 parameters is not a chat request', () => {
      const junk = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`x${i}`, i]));
      expect(() => validateChatRequest(valid(junk))).toThrow(/more than 128 parameters/);
    });

    it('a __proto__ key does not switch off validation', () => {
      const body = JSON.parse(
        '{"model":"auto","messages":[{"role":"user","content":"hi"}],"__proto__":{},"temperature":9}',
      );
      expect(refusedParam(body)).toBe('temperature');
    });
  });

  describe('model and messages', () => {
    it.each<[Record<string, unknown>, string]>([
      [{ messages: [user('hi')] }, 'model'],
      [{ model: '', messages: [user('hi')] }, 'model'],
      [{ model: 7, messages: [user('hi')] }, 'model'],
      [{ model: 'auto' }, 'messages'],
      [{ model: 'auto', messages: [] }, 'messages'],
      [{ model: 'auto', messages: {} }, 'messages'],
      [{ model: 'auto', messages: ['hi'] }, 'messages[0]'],
      [{ model: 'auto', messages: [null] }, 'messages[0]'],
      [{ model: 'auto', messages: [{ content: 'hi' }] }, 'messages[0].role'],
      [{ model: 'auto', messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role'],
      [{ model: 'auto', messages: [{ role: 'user' }] }, 'messages[0].content'],
      [{ model: 'auto', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
      [{ model: 'auto', messages: [{ role: 'user', content: [] }] }, 'messages[0].content'],
      [{ model: 'auto', messages: [{ role: 'user', content: 'hi', name: 3 }] }, 'messages[0].name'],
      [{ model: 'auto', messages: [{ role: 'system' }] }, 'messages[0].content'],
    ])('%j → %s', (body, param) => {
      expect(refusedParam(body)).toBe(param);
    });
  });

  describe('content parts, by type', () => {
    it.each<[unknown, string]>([
      [['text'], 'messages[1].content[0]'],
      [[{}], 'messages[1].content[0].type'],
      [[{ type: 'video' }], 'messages[1].content[0].type'],
      [[{ type: 'text' }], 'messages[1].content[0].text'],
      [[{ type: 'text', text: 1 }], 'messages[1].content[0].text'],
      [[{ type: 'image_url' }], 'messages[1].content[0].image_url'],
      [[{ type: 'image_url', image_url: 'https://x/y.png' }], 'messages[1].content[0].image_url'],
      [[{ type: 'image_url', image_url: {} }], 'messages[1].content[0].image_url.url'],
      [[{ type: 'image_url', image_url: { url: 5 } }], 'messages[1].content[0].image_url.url'],
      [[{ type: 'image_url', image_url: { url: '' } }], 'messages[1].content[0].image_url.url'],
      [
        [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'ultra' } }],
        'messages[1].content[0].image_url.detail',
      ],
      [[{ type: 'input_audio', input_audio: { data: 'AAAA' } }], 'messages[1].content[0].input_audio.format'],
      [
        [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'ogg' } }],
        'messages[1].content[0].input_audio.format',
      ],
      [[{ type: 'input_audio', input_audio: { format: 'wav' } }], 'messages[1].content[0].input_audio.data'],
      [[{ type: 'file', file: {} }], 'messages[1].content[0].file'],
      [[{ type: 'file', file: { file_id: 3 } }], 'messages[1].content[0].file.file_id'],
      [[{ type: 'refusal', refusal: 'no' }], 'messages[1].content[0].type'], // only assistants refuse
      [
        [
          { type: 'text', text: 'ok' },
          { type: 'image_url', image_url: { url: null } },
        ],
        'messages[1].content[1].image_url.url',
      ],
    ])('user content %j → %s', (content, param) => {
      expect(refusedParam(valid({ messages: [{ role: 'system', content: 'x' }, user(content)] }))).toBe(
        param,
      );
    });

    it.each([['system'], ['developer'], ['tool']])('%s messages take text parts only', (role) => {
      const message = {
        role,
        tool_call_id: 'call_1',
        content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }],
      };
      expect(refusedParam(valid({ messages: [message] }))).toBe('messages[0].content[0].type');
    });

    it('assistant content: text and refusal parts, a refusal string', () => {
      const at = (message: Record<string, unknown>) => refusedParam(valid({ messages: [message] }));
      expect(at({ role: 'assistant', content: [{ type: 'refusal' }] })).toBe(
        'messages[0].content[0].refusal',
      );
      expect(at({ role: 'assistant', content: [{ type: 'image_url', image_url: { url: 'u' } }] })).toBe(
        'messages[0].content[0].type',
      );
      expect(at({ role: 'assistant', content: 'ok', refusal: 5 })).toBe('messages[0].refusal');
      expect(at({ role: 'assistant', content: 'ok', refusal: null })).toBeNull();
    });
  });

  describe('tool calls and tool messages', () => {
    const assistant = (extra: Record<string, unknown>) =>
      valid({ messages: [{ role: 'assistant', ...extra }] });

    it.each<[unknown, string]>([
      [[{}], 'messages[0].tool_calls[0].id'],
      [['call'], 'messages[0].tool_calls[0]'],
      [{ id: 'x' }, 'messages[0].tool_calls'],
      [[call({ id: 5 })], 'messages[0].tool_calls[0].id'],
      [[call({ type: 'custom' })], 'messages[0].tool_calls[0].type'],
      [[call({ type: undefined })], 'messages[0].tool_calls[0].type'],
      [[call({ function: undefined })], 'messages[0].tool_calls[0].function'],
      [[call({ function: { arguments: '{}' } })], 'messages[0].tool_calls[0].function.name'],
      [[call({ function: { name: 'w' } })], 'messages[0].tool_calls[0].function.arguments'],
      [[call({ function: { name: 'w', arguments: {} } })], 'messages[0].tool_calls[0].function.arguments'],
      [[call(), {}], 'messages[0].tool_calls[1].id'],
    ])('tool_calls %j → %s', (toolCalls, param) => {
      expect(refusedParam(assistant({ content: null, tool_calls: toolCalls }))).toBe(param);
    });

    it('an assistant message needs content or tool calls', () => {
      expect(refusedParam(assistant({}))).toBe('messages[0].content');
      expect(refusedParam(assistant({ content: null, tool_calls: [] }))).toBe('messages[0].content');
      expect(refusedParam(assistant({ tool_calls: [call()] }))).toBeNull();
      expect(refusedParam(assistant({ content: '' }))).toBeNull();
    });

    it('a tool message needs tool_call_id and content', () => {
      const tool = (extra: Record<string, unknown>) => valid({ messages: [{ role: 'tool', ...extra }] });
      expect(refusedParam(tool({ content: 'r' }))).toBe('messages[0].tool_call_id');
      expect(refusedParam(tool({ tool_call_id: 7, content: 'r' }))).toBe('messages[0].tool_call_id');
      expect(refusedParam(tool({ tool_call_id: 'c' }))).toBe('messages[0].content');
      expect(refusedParam(tool({ tool_call_id: 'c', content: 'r' }))).toBeNull();
    });

    it('the deprecated function_call, on a message and at the top', () => {
      expect(refusedParam(assistant({ function_call: { name: 'w' } }))).toBe(
        'messages[0].function_call.arguments',
      );
      expect(refusedParam(assistant({ function_call: { name: 'w', arguments: '{}' } }))).toBeNull();
      expect(refusedParam(valid({ function_call: 'sometimes' }))).toBe('function_call');
      expect(refusedParam(valid({ function_call: { name: 3 } }))).toBe('function_call');
    });
  });

  describe('tools', () => {
    const tool = (fn: unknown, type: unknown = 'function') => valid({ tools: [{ type, function: fn }] });
    it.each<[Record<string, unknown>, string]>([
      [valid({ tools: {} }), 'tools'],
      [valid({ tools: ['weather'] }), 'tools[0]'],
      [tool({ name: 'w' }, 'custom'), 'tools[0].type'],
      [tool(undefined), 'tools[0].function'],
      [tool({}), 'tools[0].function.name'],
      [tool({ name: 'has space' }), 'tools[0].function.name'],
      [tool({ name: 'w', parameters: 'object' }), 'tools[0].function.parameters'],
      [tool({ name: 'w', parameters: [] }), 'tools[0].function.parameters'],
      [tool({ name: 'w', strict: 'yes' }), 'tools[0].function.strict'],
      [
        valid({ tools: Array.from({ length: 129 }, () => ({ type: 'function', function: { name: 'w' } })) }),
        'tools',
      ],
      [valid({ tool_choice: 'always' }), 'tool_choice'],
      [valid({ tool_choice: { type: 'function' } }), 'tool_choice'],
      [valid({ functions: [{ name: 'has space' }] }), 'functions[0].name'],
      [valid({ parallel_tool_calls: 'yes' }), 'parallel_tool_calls'],
    ])('%j → %s', (body, param) => {
      expect(refusedParam(body)).toBe(param);
    });
  });

  describe('stop, logit_bias, response_format, metadata', () => {
    it.each<[Record<string, unknown>, string]>([
      [{ stop: 5 }, 'stop'],
      [{ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
      [{ stop: ['a', 3] }, 'stop'],
      [{ logit_bias: [] }, 'logit_bias'],
      [{ logit_bias: 'x' }, 'logit_bias'],
      [{ logit_bias: { hello: 1 } }, 'logit_bias'],
      [{ logit_bias: { '50256': 101 } }, 'logit_bias.50256'],
      [{ logit_bias: { '50256': -100.5 } }, 'logit_bias.50256'],
      [{ logit_bias: { '50256': '5' } }, 'logit_bias.50256'],
      [{ response_format: 'json' }, 'response_format'],
      [{ response_format: {} }, 'response_format.type'],
      [{ response_format: { type: 'yaml' } }, 'response_format.type'],
      [{ response_format: { type: 'json_schema' } }, 'response_format.json_schema'],
      [{ response_format: { type: 'json_schema', json_schema: {} } }, 'response_format.json_schema.name'],
      [
        { response_format: { type: 'json_schema', json_schema: { name: 'a b' } } },
        'response_format.json_schema.name',
      ],
      [
        { response_format: { type: 'json_schema', json_schema: { name: 'a', schema: 'object' } } },
        'response_format.json_schema.schema',
      ],
      [
        { response_format: { type: 'json_schema', json_schema: { name: 'a', strict: 1 } } },
        'response_format.json_schema.strict',
      ],
      [{ metadata: 'x' }, 'metadata'],
      [{ metadata: { team: 5 } }, 'metadata.team'],
      [{ metadata: { team: 'x'.repeat(513) } }, 'metadata.team'],
      [{ metadata: { ['k'.repeat(65)]: 'v' } }, 'metadata'],
      [{ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
    ])('%j → %s', (extra, param) => {
      expect(refusedParam(valid(extra))).toBe(param);
    });

    it('accepts a string stop, and text and json_object formats', () => {
      expect(refusedParam(valid({ stop: 'END' }))).toBeNull();
      expect(refusedParam(valid({ response_format: { type: 'text' } }))).toBeNull();
      expect(refusedParam(valid({ response_format: { type: 'json_object' } }))).toBeNull();
    });
  });

  describe('numbers and their ranges', () => {
    it.each<[Record<string, unknown>, string]>([
      [{ temperature: 2.1 }, 'temperature'],
      [{ temperature: '1' }, 'temperature'],
      [{ top_p: -0.1 }, 'top_p'],
      [{ frequency_penalty: 2.5 }, 'frequency_penalty'],
      [{ presence_penalty: -3 }, 'presence_penalty'],
      [{ top_logprobs: 21 }, 'top_logprobs'],
      [{ top_logprobs: 1.5 }, 'top_logprobs'],
      [{ seed: 1.5 }, 'seed'],
      [{ seed: 1e300 }, 'seed'],
      [{ n: 0 }, 'n'],
      [{ n: 129 }, 'n'],
      [{ max_tokens: 0 }, 'max_tokens'],
      [{ max_tokens: 1e300 }, 'max_tokens'],
      [{ max_completion_tokens: 2.5 }, 'max_completion_tokens'],
      [{ max_tokens: 10, max_completion_tokens: 20 }, 'max_tokens'],
    ])('%j → %s', (extra, param) => {
      expect(refusedParam(valid(extra))).toBe(param);
    });
  });

  describe('enumerations, strings and flags', () => {
    it.each<[Record<string, unknown>, string]>([
      [{ stream: 'true' }, 'stream'],
      [{ stream_options: { include_usage: 'yes' } }, 'stream_options.include_usage'],
      [{ stream_options: 'usage' }, 'stream_options'],
      [{ logprobs: 1 }, 'logprobs'],
      [{ store: 'yes' }, 'store'],
      [{ service_tier: 'turbo' }, 'service_tier'],
      [{ reasoning_effort: 'extreme' }, 'reasoning_effort'],
      [{ verbosity: 'loud' }, 'verbosity'],
      [{ modalities: ['video'] }, 'modalities'],
      [{ modalities: 'text' }, 'modalities'],
      [{ user: 5 }, 'user'],
      [{ user: 'u'.repeat(257) }, 'user'],
      [{ prompt_cache_retention: 'forever' }, 'prompt_cache_retention'],
      [{ power_level: 'turbo' }, 'power_level'],
    ])('%j → %s', (extra, param) => {
      expect(refusedParam(valid(extra))).toBe(param);
    });
  });

  describe('paid features: their shapes', () => {
    it.each<[Record<string, unknown>, string]>([
      [{ audio: 'alloy' }, 'audio'],
      [{ audio: { format: 'mp3' } }, 'audio.voice'],
      [{ audio: { voice: 'alloy' } }, 'audio.format'],
      [{ audio: { voice: 'alloy', format: 'ogg' } }, 'audio.format'],
      [{ prediction: 'text' }, 'prediction'],
      [{ prediction: { type: 'diff', content: 'x' } }, 'prediction.type'],
      [{ prediction: { type: 'content' } }, 'prediction.content'],
      [{ prediction: { type: 'content', content: [{ type: 'image_url' }] } }, 'prediction.content[0].type'],
      [{ web_search_options: [] }, 'web_search_options'],
      [{ web_search_options: { search_context_size: 'huge' } }, 'web_search_options.search_context_size'],
      [{ web_search_options: { user_location: { type: 'exact' } } }, 'web_search_options.user_location.type'],
      [
        { web_search_options: { user_location: { type: 'approximate', approximate: { city: 1 } } } },
        'web_search_options.user_location.approximate.city',
      ],
    ])('%j → %s', (extra, param) => {
      expect(refusedParam(valid(extra))).toBe(param);
    });
  });
});
