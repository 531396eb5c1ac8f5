import fc from 'fast-check';
import {
  ArrayMinSize,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { ValidationError } from '@gw/shared-kernel';
import {
  CHAT_REQUEST_SCHEMA,
  dtoDefinitions,
  matchesChatRequestSchema,
  schemaCompiler,
  schemaFor,
  unsupportedRules,
} from './chat-request-schema';
import { validateChatRequest, validateChatRequestByRules } from './validate-chat-request';

type Body = Record<string, unknown>;

/** What a validation came to: the DTO, or the error a client would read. */
type Outcome =
  | { readonly ok: true; readonly dto: unknown }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly param: unknown };

function outcome(validate: () => unknown): Outcome {
  try {
    return { ok: true, dto: validate() };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { ok: false, code: e.code, message: e.message, param: e.details.param };
  }
}

const TOKEN_LIMITS_DISAGREE = 'max_tokens and max_completion_tokens disagree; send one of them';

/**
 * The property: a body the compiled schema accepts is accepted by class-validator and
 * chat-request-shape.ts too (the schema can only say "valid" or "not sure"); the one rule outside
 * the schema, max_tokens against max_completion_tokens, is checked on both paths. And
 * validateChatRequest answers every body as the old path does: the same DTO, or the same error.
 */
function expectSound(body: unknown): boolean {
  const matches = matchesChatRequestSchema(body);
  const byRules = outcome(() => validateChatRequestByRules(body));
  if (matches && !byRules.ok) expect(byRules.message).toBe(TOKEN_LIMITS_DISAGREE);
  expect(outcome(() => validateChatRequest(body))).toStrictEqual(byRules);
  return matches;
}

const call = (id: string, name = 'weather') => ({
  id,
  type: 'function',
  function: { name, arguments: '{"city":"Oslo"}' },
});
const weatherTool = {
  type: 'function',
  function: {
    name: 'weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    strict: true,
  },
};

describe('the compiled chat request schema', () => {
  it('has a converter for every rule of the DTO (otherwise it would refuse every body)', () => {
    expect(unsupportedRules).toEqual([]);
    expect(CHAT_REQUEST_SCHEMA).toHaveProperty('definitions.ChatCompletionDto');
  });

  describe('accepts real requests without falling through to class-validator', () => {
    it.each<[string, Body]>([
      [
        'the load bench body',
        { model: 'mock-swift/swift-mini', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16 },
      ],
      [
        'tools with a tool choice, and the tool round trip',
        {
          model: 'auto',
          messages: [
            { role: 'system', content: 'Use the tools.' },
            { role: 'user', content: 'Weather in Oslo?' },
            { role: 'assistant', content: null, tool_calls: [call('call_1')] },
            { role: 'tool', tool_call_id: 'call_1', content: '{"temp":3}' },
          ],
          tools: [weatherTool],
          tool_choice: { type: 'function', function: { name: 'weather' } },
          parallel_tool_calls: false,
        },
      ],
      [
        'a multimodal message',
        {
          model: 'auto',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is on this picture, and in this recording?' },
                { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'high' } },
                { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
                { type: 'file', file: { file_id: 'file-1', filename: 'a.pdf' } },
              ],
            },
          ],
        },
      ],
      [
        'response_format json_schema',
        {
          model: 'auto',
          messages: [{ role: 'developer', content: [{ type: 'text', text: 'Answer in JSON.' }] }],
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'answer', strict: true, schema: { type: 'object' } },
          },
          temperature: 0,
          seed: 7,
        },
      ],
      [
        'a stream with stream_options',
        {
          model: 'eco',
          messages: [{ role: 'user', content: 'Hi' }],
          stream: true,
          stream_options: { include_usage: true },
          stop: ['\n\n'],
          max_completion_tokens: 100,
          max_tokens: 100,
          metadata: { team: 'rail' },
          logit_bias: { '50256': -100 },
          power_level: 'balanced',
        },
      ],
      [
        'nulls where OpenAI means "not given"',
        {
          model: 'auto',
          messages: [{ role: 'assistant', content: 'Yes.', name: null, tool_calls: null }],
          temperature: null,
          stop: null,
          tools: null,
          response_format: null,
          stream_options: null,
        },
      ],
    ])('%s', (_name, body) => {
      expect(matchesChatRequestSchema(body)).toBe(true);
      const dto = validateChatRequest(body);
      expect(dto).toStrictEqual(validateChatRequestByRules(body));
      expect(dto).not.toBe(body);
    });
  });

  describe('leaves to the old path what it cannot prove valid', () => {
    // Each of these is refused by the old path; the schema must not accept them.
    it.each<[string, Body, string]>([
      ['a fractional n (integer and minimum are both checked)', { n: 1.5 }, 'n'],
      ['a temperature just above 2', { temperature: 2.0000001 }, 'temperature'],
      ['a seed beyond 2^53', { seed: 2 ** 53 + 2 }, 'seed'],
      ['five stop sequences', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
      [
        'a tool choice without a function name',
        { tool_choice: { type: 'function', function: {} } },
        'tool_choice',
      ],
      [
        'a tool whose name has a space',
        { tools: [{ type: 'function', function: { name: 'a b' } }] },
        'tools[0].function.name',
      ],
      ['stream_options as a string', { stream_options: 'yes' }, 'stream_options'],
      ['a metadata key of 40 emoji (80 UTF-16 units)', { metadata: { ['😀'.repeat(40)]: 'x' } }, 'metadata'],
      ['a metadata value of 300 emoji', { metadata: { k: '😀'.repeat(300) } }, 'metadata.k'],
      ['a logit_bias key that is no token id', { logit_bias: { '01': 1 } }, 'logit_bias'],
      [
        'an empty image url',
        { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: '' } }] }] },
        'messages[0].content[0].image_url.url',
      ],
      [
        'a refusal part in a user message',
        { messages: [{ role: 'user', content: [{ type: 'refusal', refusal: 'no' }] }] },
        'messages[0].content[0].type',
      ],
      [
        'an assistant message with nothing in it',
        { messages: [{ role: 'assistant', tool_calls: [] }] },
        'messages[0].content',
      ],
      [
        'a file part without data or id',
        { messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a' } }] }] },
        'messages[0].content[0].file',
      ],
      [
        'response_format json_schema without a name',
        { response_format: { type: 'json_schema', json_schema: {} } },
        'response_format.json_schema.name',
      ],
      ['function_call as another string', { function_call: 'always' }, 'function_call'],
      ['an audio voice object without an id', { audio: { voice: {}, format: 'mp3' } }, 'audio.voice'],
    ])('%s', (_name, change, param) => {
      const body = { model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...change };
      expect(matchesChatRequestSchema(body)).toBe(false);
      expect(outcome(() => validateChatRequest(body))).toMatchObject({ ok: false, param });
    });

    it('a __proto__ key in the JSON is a plain unknown field, on both paths', () => {
      const body: unknown = JSON.parse(
        '{"model":"auto","messages":[{"role":"user","content":"hi"}],"__proto__":{"temperature":9}}',
      );
      expect(expectSound(body)).toBe(true);
      const dto = validateChatRequest(body) as unknown as Body;
      expect(Object.getOwnPropertyDescriptor(dto, '__proto__')?.value).toEqual({ temperature: 9 });
      expect(dto.temperature).toBeUndefined();
    });
  });

  describe('a constructor key (class-validator finds the rules by value.constructor)', () => {
    it.each<[string, Body, string | null]>([
      ['does not switch off the DTO rules', { model: 5, constructor: 'x' }, 'model'],
      ['is no TypeError when null', { constructor: null }, null],
      [
        "does not switch off a tool's rules",
        { tools: [{ type: 'nope', function: { name: 'f' }, constructor: 1 }] },
        'tools[0].type',
      ],
    ])('%s', (_name, change, param) => {
      const body = { model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...change };
      expect(outcome(() => validateChatRequest(body))).toMatchObject(
        param === null ? { ok: true } : { ok: false, param },
      );
      expectSound(body);
    });
  });

  describe('only converts the class-validator rules it can say exactly', () => {
    class Loose {
      @IsEmail()
      email!: string;

      @ValidateIf((o: Loose) => o.email !== '')
      @IsString()
      name?: string;

      @MinLength(3)
      code!: string;

      @Matches(/^a+$/i)
      letters!: string;
    }

    it('lists the rules it has no exact schema for, and then refuses every body', () => {
      expect(dtoDefinitions(Loose).unsupported).toEqual([
        'Loose.email: isEmail',
        'Loose.name: conditionalValidation',
        'Loose.code: minLength',
        'Loose.letters: matches',
      ]);
      const check = schemaCompiler().compile(schemaFor(Loose));
      expect(check({ email: 'a@b.c', name: 'x', code: 'abc', letters: 'aa' })).toBe(false);
    });

    it('keeps every rule of a property (integer and minimum, not one instead of the other)', () => {
      class Counted {
        @IsOptional()
        @IsInt()
        @Min(1)
        count?: number;

        @ArrayMinSize(1)
        items!: unknown[];
      }
      expect(dtoDefinitions(Counted).unsupported).toEqual([]);
      const check = schemaCompiler().compile(schemaFor(Counted));
      expect(check({ count: 2, items: [1] })).toBe(true);
      expect(check({ count: null, items: [1] })).toBe(true);
      expect(check({ count: 1.5, items: [1] })).toBe(false);
      expect(check({ count: 0, items: [1] })).toBe(false);
      expect(check({ count: 2, items: [] })).toBe(false);
      expect(check({ count: 2 })).toBe(false);
    });
  });

  // -------------------------------------------------------------------------- generated bodies

  const text = fc.oneof(
    fc.constantFrom('Hello', 'Tell me about rail yards.', '', '😀', '\uFE0F'),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 20 }), // lone surrogates included
  );
  const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
    fc.oneof({ weight: 4, arbitrary: arb }, fc.constant(null), fc.constant(undefined));
  /** A record whose undefined fields are left out, as JSON would. */
  const defined = (value: Record<string, unknown>): Body =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

  const textPart = fc.record({ type: fc.constant('text'), text });
  const parts = {
    text: textPart,
    image_url: fc.record({
      type: fc.constant('image_url'),
      image_url: fc
        .record({
          url: fc.constantFrom('https://example.com/cat.png', 'data:image/png;base64,AAAA', 'x'),
          detail: nullable(fc.constantFrom('auto', 'low', 'high')),
        })
        .map(defined),
    }),
    input_audio: fc.record({
      type: fc.constant('input_audio'),
      input_audio: fc.record({ data: fc.constantFrom('AAAA', ''), format: fc.constantFrom('wav', 'mp3') }),
    }),
    file: fc.record({
      type: fc.constant('file'),
      file: fc
        .oneof(
          fc.record({
            file_data: fc.constant('data:application/pdf;base64,AAAA'),
            filename: nullable(fc.constant('a.pdf')),
          }),
          fc.record({ file_id: fc.constant('file-1'), file_data: fc.constant(null) }),
        )
        .map(defined),
    }),
    refusal: fc.record({ type: fc.constant('refusal'), refusal: text }),
  };
  const content = (...kinds: Array<keyof typeof parts>) =>
    fc.oneof(text, fc.array(fc.oneof(...kinds.map((kind) => parts[kind])), { minLength: 1, maxLength: 4 }));
  const toolCall = fc.record({
    id: fc.constantFrom('call_1', 'call_2'),
    type: fc.constant('function'),
    function: fc.record({
      name: fc.constantFrom('weather', 'time'),
      arguments: fc.constantFrom('{}', '{"a":1}'),
    }),
  });
  const name = nullable(fc.constantFrom('alice', 'bob_2'));
  const message = fc.oneof(
    fc.record({ role: fc.constantFrom('system', 'developer'), content: content('text'), name }).map(defined),
    fc
      .record({
        role: fc.constant('user'),
        content: content('text', 'image_url', 'input_audio', 'file'),
        name,
      })
      .map(defined),
    fc
      .record({
        role: fc.constant('assistant'),
        content: content('text', 'refusal'),
        name,
        refusal: nullable(text),
      })
      .map(defined),
    fc
      .record({
        role: fc.constant('assistant'),
        content: fc.constantFrom(null, undefined, ''),
        tool_calls: fc.array(toolCall, { minLength: 1, maxLength: 2 }),
      })
      .map(defined),
    fc.record({
      role: fc.constant('assistant'),
      function_call: fc.record({ name: fc.constant('f'), arguments: fc.constant('{}') }),
    }),
    fc.record({
      role: fc.constant('assistant'),
      content: fc.constant(null),
      audio: fc.record({ id: fc.constant('audio_1') }),
    }),
    fc.record({
      role: fc.constant('tool'),
      tool_call_id: fc.constantFrom('call_1', 'call_2'),
      content: content('text'),
    }),
  );
  const functionDefinition = fc
    .record({
      name: fc.constantFrom('weather', 'time', 'get-data_2'),
      description: nullable(text),
      parameters: nullable(fc.constant({ type: 'object', properties: {} })),
      strict: nullable(fc.boolean()),
    })
    .map(defined);
  const tokens = fc.integer({ min: 1, max: 100_000_000 });
  const params = fc.record(
    {
      stream: nullable(fc.boolean()),
      stream_options: nullable(fc.record({ include_usage: nullable(fc.boolean()) }, { requiredKeys: [] })),
      n: nullable(fc.integer({ min: 1, max: 128 })),
      stop: nullable(fc.oneof(text, fc.array(text, { maxLength: 4 }))),
      max_tokens: nullable(tokens),
      temperature: nullable(fc.double({ min: 0, max: 2, noNaN: true })),
      top_p: nullable(fc.double({ min: 0, max: 1, noNaN: true })),
      frequency_penalty: nullable(fc.double({ min: -2, max: 2, noNaN: true })),
      presence_penalty: nullable(fc.double({ min: -2, max: 2, noNaN: true })),
      logit_bias: nullable(
        fc.dictionary(fc.integer({ min: 0, max: 200_000 }).map(String), fc.integer({ min: -100, max: 100 }), {
          maxKeys: 3,
        }),
      ),
      logprobs: nullable(fc.boolean()),
      top_logprobs: nullable(fc.integer({ min: 0, max: 20 })),
      seed: nullable(fc.maxSafeInteger()),
      user: nullable(fc.string({ maxLength: 40 })),
      safety_identifier: nullable(fc.string({ maxLength: 40 })),
      prompt_cache_key: nullable(fc.string({ maxLength: 40 })),
      prompt_cache_retention: nullable(fc.constantFrom('in_memory', '24h')),
      metadata: nullable(
        fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }),
      ),
      tools: nullable(
        fc.array(fc.record({ type: fc.constant('function'), function: functionDefinition }), {
          maxLength: 3,
        }),
      ),
      tool_choice: nullable(
        fc.oneof(
          fc.constantFrom('none', 'auto', 'required'),
          fc.record({ type: fc.constant('function'), function: fc.record({ name: fc.constant('weather') }) }),
        ),
      ),
      parallel_tool_calls: nullable(fc.boolean()),
      functions: nullable(fc.array(functionDefinition, { maxLength: 2 })),
      function_call: nullable(
        fc.oneof(fc.constantFrom('none', 'auto'), fc.record({ name: fc.constant('weather') })),
      ),
      response_format: nullable(
        fc.oneof(
          fc.record({ type: fc.constantFrom('text', 'json_object') }),
          fc.record({
            type: fc.constant('json_schema'),
            json_schema: fc
              .record({
                name: fc.constantFrom('answer', 'A-1_b'),
                description: nullable(text),
                schema: nullable(fc.constant({ type: 'object' })),
                strict: nullable(fc.boolean()),
              })
              .map(defined),
          }),
        ),
      ),
      reasoning_effort: nullable(fc.constantFrom('none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max')),
      verbosity: nullable(fc.constantFrom('low', 'medium', 'high')),
      service_tier: nullable(fc.constantFrom('auto', 'default', 'flex', 'scale', 'priority')),
      store: nullable(fc.boolean()),
      modalities: nullable(fc.subarray(['text', 'audio'])),
      audio: nullable(
        fc.record({
          voice: fc.oneof(fc.constantFrom('alloy', 'verse'), fc.record({ id: fc.constant('voice_1') })),
          format: fc.constantFrom('wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16'),
        }),
      ),
      prediction: nullable(fc.record({ type: fc.constant('content'), content: content('text') })),
      web_search_options: nullable(
        fc
          .record({
            search_context_size: nullable(fc.constantFrom('low', 'medium', 'high')),
            user_location: nullable(
              fc.record({
                type: fc.constant('approximate'),
                approximate: fc
                  .record({
                    city: nullable(fc.constant('Oslo')),
                    timezone: nullable(fc.constant('Europe/Oslo')),
                  })
                  .map(defined),
              }),
            ),
          })
          .map(defined),
      ),
      moderation: nullable(fc.constant({})),
      power_level: nullable(fc.constantFrom('eco', 'balanced', 'precision')),
      top_k: fc.integer(), // unknown to OpenAI: accepted, and not sent upstream
    },
    { requiredKeys: [] },
  );
  const validBody = (maxMessages: number): fc.Arbitrary<Body> =>
    fc
      .record({
        model: fc.oneof(
          fc.constantFrom('auto', 'mock-swift/swift-mini', '😀', 'x'.repeat(256)),
          fc.string({ minLength: 1, maxLength: 30 }),
        ),
        messages: fc.array(message, { minLength: 1, maxLength: maxMessages }),
        params,
        sameLimit: fc.boolean(),
      })
      .map(({ model, messages, params, sameLimit }) => {
        const body = defined({ model, messages, ...params });
        // max_completion_tokens is max_tokens by another name: both given, they agree
        if (sameLimit && typeof body.max_tokens === 'number') body.max_completion_tokens = body.max_tokens;
        return body;
      });

  /** Values near and past every rule's edge, and garbage. */
  const oddValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom<unknown>(
      null,
      undefined,
      true,
      false,
      0,
      -0,
      1,
      -1,
      0.5,
      1.5,
      2,
      2.0000001,
      -2.0000001,
      20,
      21,
      100,
      100.5,
      -101,
      128,
      129,
      100_000_001,
      2 ** 53 + 2,
      -(2 ** 53) - 2,
      1e21,
      NaN,
      Infinity,
      -Infinity,
      '',
      ' ',
      '0',
      '01',
      '12345678901',
      'none',
      'auto',
      'required',
      'function',
      'content',
      'approximate',
      'text',
      'image_url',
      'input_audio',
      'file',
      'refusal',
      'json_schema',
      'json_object',
      'video',
      'system',
      'developer',
      'user',
      'assistant',
      'tool',
      'wizard',
      'wav',
      'mp3',
      'low',
      'eco',
      '\uFE0F',
      '\uD800',
      'a\uFE0F',
      '😀'.repeat(40),
      '😀'.repeat(300),
      'x'.repeat(65),
      'x'.repeat(257),
      'x'.repeat(513),
      'a b',
      'in_memory',
      '24h',
      [],
      [null],
      [{}],
      [''],
      ['a', 'b', 'c', 'd', 'e'],
      ['text', 'video'],
      {},
      { type: 'text' },
      { type: 'function' },
      { name: 'x' },
      { name: 5 },
      { id: 5 },
      { url: '' },
      { type: 'function', function: { name: 5 } },
      { type: 'json_schema' },
      JSON.parse('{"__proto__":1}') as unknown,
      Object.create(null) as unknown,
    ),
    fc.string({ unit: 'binary', maxLength: 70 }),
    fc.double(),
    fc.integer(),
    fc.jsonValue({ maxDepth: 2 }),
    fc.anything({ maxDepth: 2, withNullPrototype: true, withBoxedValues: true }),
    fc.array(fc.constantFrom<unknown>('a', 1, { type: 'text', text: 'x' }, { role: 'user', content: 'x' }), {
      minLength: 120,
      maxLength: 140,
    }),
  );
  /** Every parameter the DTO declares. */
  const paramNames = Object.keys(
    (CHAT_REQUEST_SCHEMA as { definitions: { ChatCompletionDto: { properties: object } } }).definitions
      .ChatCompletionDto.properties,
  );
  const oddKey = fc.oneof(
    fc.constantFrom(...paramNames),
    fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'type',
      'role',
      'content',
      'name',
      'id',
      'url',
      'text',
      'detail',
      'format',
      'voice',
      'tool_calls',
      'tool_call_id',
      'function',
      'arguments',
      'refusal',
      'audio',
      'json_schema',
      'schema',
      'strict',
      'model',
      'messages',
      'n',
      'stop',
      'seed',
      'max_completion_tokens',
      'include_usage',
      'file_data',
      'file_id',
      'approximate',
      'user_location',
      '50256',
      '01',
      '😀'.repeat(33),
    ),
    fc.string({ maxLength: 8 }),
  );

  /**
   * A change at one place in a body: set a field or item to an odd value, nudge its value just past
   * a rule (nearby numbers, longer strings and arrays, more keys, a field less), delete it, or add one.
   */
  interface Mutation {
    readonly at: number;
    readonly op: 'set' | 'nudge' | 'delete' | 'add';
    readonly index: number;
    readonly pick: number;
    readonly key: string;
    readonly value: unknown;
  }
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    // places are listed shallow first: 0 is the body, the next few its parameters' values
    at: fc.oneof(fc.constant(0), fc.nat({ max: 10 }), fc.nat()),
    op: fc.constantFrom('set', 'nudge', 'nudge', 'delete', 'add'),
    index: fc.nat(),
    pick: fc.nat(),
    key: oddKey,
    value: oddValue,
  });

  const copies = <T>(count: number, item: T): T[] =>
    Array.from({ length: count }, () => structuredClone(item));

  /** Values near `value` that may break the rule it met. */
  function nearby(value: unknown): unknown[] {
    if (typeof value === 'number')
      return [
        value + 1e-7,
        value - 1e-7,
        value + 0.5,
        value + 1,
        value - 1,
        -value - 1,
        value * 1e9,
        NaN,
        Infinity,
        -Infinity,
        String(value),
        null,
      ];
    if (typeof value === 'string')
      return [
        `${value}x`,
        `${value} `,
        value.slice(1),
        '',
        `${value}${'😀'.repeat(300)}`,
        value.repeat(600),
        '😀'.repeat(40),
        value.toUpperCase(),
        `${value}\uFE0F`,
        [value],
        null,
      ];
    if (typeof value === 'boolean') return [String(value), Number(value), null];
    if (Array.isArray(value)) {
      const last: unknown = value[value.length - 1] ?? null;
      return [
        [...value, ...copies(1, last)],
        [...value, ...copies(2, last)],
        [...value, ...copies(130, last)],
        [],
        value[0],
        null,
      ];
    }
    if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      const first: unknown = entries[0]?.[1] ?? null;
      const more = (count: number) =>
        Object.fromEntries(Array.from({ length: count }, (_, i) => [String(i + 1), structuredClone(first)]));
      return [
        Object.fromEntries(entries.slice(1)), // the first field dropped
        Object.fromEntries(entries.slice(0, -1)), // the last field dropped
        { ...value, ...more(17) },
        { ...value, ...more(1_030) },
        { ...value, ['😀'.repeat(33)]: first }, // a key of 66 UTF-16 units, 33 code points
        [value],
        null,
      ];
    }
    return [0, '', {}, [], false];
  }

  const nudged = (value: unknown, pick: number): unknown => {
    const options = nearby(value);
    return options[pick % options.length];
  };

  /** Every object and array in `value`, itself included, shallow ones first. */
  function containers(value: unknown): object[] {
    const found: object[] = [];
    const queue: unknown[] = [value];
    for (let i = 0; i < queue.length; i++) {
      const next = queue[i];
      if (typeof next !== 'object' || next === null) continue;
      found.push(next);
      queue.push(...Object.values(next));
    }
    return found;
  }

  /** Applies `mutations` to `body` (a copy of a valid body), in place. */
  function mutate(body: Body, mutations: readonly Mutation[]): Body {
    const places = containers(body); // listed before any change: inserted values are never changed
    for (const { at, op, index, pick, key, value } of mutations) {
      const place = places[at % places.length] as Record<string, unknown>;
      const keys = Object.keys(place);
      if (op === 'add' || keys.length === 0) {
        if (Array.isArray(place)) place.push(value);
        // defined, not assigned: a `__proto__` key is a field, as JSON.parse makes it
        else
          Object.defineProperty(place, key, { value, writable: true, enumerable: true, configurable: true });
        continue;
      }
      const field = keys[index % keys.length]!;
      if (op === 'set') place[field] = value;
      else if (op === 'nudge') place[field] = nudged(place[field], pick);
      else if (Array.isArray(place)) place.splice(Number(field), 1);
      else delete place[field];
    }
    return body;
  }

  it('accepts every generated valid body, as the old path does', () => {
    fc.assert(
      fc.property(validBody(12), (body) => {
        expect(expectSound(body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts no body that the old path refuses (valid bodies with 1–3 changes anywhere)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(validBody(12), fc.array(mutation, { minLength: 1, maxLength: 3 }), (body, mutations) => {
        if (expectSound(mutate(structuredClone(body), mutations))) accepted++;
        else refused++;
      }),
      { numRuns: 1_500 },
    );
    // Both sides of the property were exercised, not only one.
    expect(accepted).toBeGreaterThan(150);
    expect(refused).toBeGreaterThan(150);
  });

  /** Every place in `value` (object keys and array indices), the body's own fields first. */
  function pathsOf(value: unknown): Array<Array<string | number>> {
    const found: Array<Array<string | number>> = [];
    const queue: Array<[unknown, Array<string | number>]> = [[value, []]];
    for (let i = 0; i < queue.length; i++) {
      const [node, path] = queue[i]!;
      if (typeof node !== 'object' || node === null) continue;
      for (const [key, child] of Object.entries(node)) {
        const at = [...path, Array.isArray(node) ? Number(key) : key];
        found.push(at);
        queue.push([child, at]);
      }
    }
    return found;
  }

  const DELETE = Symbol('delete');

  /** A copy of `body` with the value at `path` replaced by `change(value)`, or deleted. */
  function changedAt(
    body: Body,
    path: ReadonlyArray<string | number>,
    change: (value: unknown) => unknown,
  ): Body {
    const copy = structuredClone(body);
    let parent = copy as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    const next = change(parent[key]);
    if (next !== DELETE) parent[key] = next;
    else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    return copy;
  }
  it('accepts no body that the old path refuses (every value of valid bodies deleted or nudged past its rule)', () => {
    let checked = 0;
    fc.assert(
      fc.property(validBody(4), (body) => {
        for (const path of pathsOf(body)) {
          expectSound(changedAt(body, path, () => DELETE));
          const options = nearby(
            path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], body),
          );
          for (const option of options) {
            expectSound(changedAt(body, path, () => option));
            checked++;
          }
        }
      }),
      { numRuns: 12 },
    );
    expect(checked).toBeGreaterThan(2_000);
  });

  it('accepts no arbitrary JSON that the old path refuses', () => {
    fc.assert(
      fc.property(fc.oneof(oddValue, fc.dictionary(oddKey, oddValue)), (body) => {
        expectSound(body);
      }),
      { numRuns: 500 },
    );
  });
});
