/**
 * The rules of chat-request-shape.ts as JSON Schema, for the compiled check in chat-request-schema.ts.
 * Each schema accepts only what its hand-written check accepts (it may refuse more: such bodies take
 * the hand-written path, which names the problem); chat-request-schema.spec.ts proves it with
 * generated bodies. Keep the two files in step: a rule added there without its schema here lets a
 * body through that the hand-written check refuses, and that test fails.
 *
 * "Absent" there is undefined or null (OpenAI treats an explicit null as "not given"), so an optional
 * field here allows null and a required one is listed in `required` with a schema that refuses null.
 * Lengths count UTF-16 code units as JavaScript's `.length` does (`maxUtf16Length`, see
 * chat-request-schema.ts; Ajv's own maxLength counts code points).
 */
export type Schema = Readonly<Record<string, unknown>>;

const string: Schema = { type: 'string' };
const optionalString: Schema = { type: ['string', 'null'] };

/** `{"type": kind}` objects, one rule per kind: `if` runs without recording errors, so a miss costs nothing. */
const byType = (key: string, rules: Readonly<Record<string, Schema>>): Schema[] =>
  Object.entries(rules).map(([kind, then]) => ({ if: { properties: { [key]: { const: kind } } }, then }));

// ---------------------------------------------------------------------------------- content parts

const PART_RULES: Readonly<Record<string, Schema>> = {
  text: { required: ['text'], properties: { text: string } },
  image_url: {
    required: ['image_url'],
    properties: {
      image_url: {
        type: 'object',
        required: ['url'],
        properties: {
          url: { type: 'string', minLength: 1 },
          detail: { enum: ['auto', 'low', 'high', null] },
        },
      },
    },
  },
  input_audio: {
    required: ['input_audio'],
    properties: {
      input_audio: {
        type: 'object',
        required: ['data', 'format'],
        properties: { data: string, format: { enum: ['wav', 'mp3'] } },
      },
    },
  },
  file: {
    required: ['file'],
    properties: {
      file: {
        type: 'object',
        properties: { file_data: optionalString, file_id: optionalString, filename: optionalString },
        // file_data or file_id: not both absent
        not: { properties: { file_data: { type: 'null' }, file_id: { type: 'null' } } },
      },
    },
  },
  refusal: { required: ['refusal'], properties: { refusal: string } },
};

/** `content`: a string or a non-empty array of parts of the listed types; null only if `nullable`. */
function content(kinds: readonly string[], nullable = false): Schema {
  const rules = Object.fromEntries(kinds.map((kind) => [kind, PART_RULES[kind]!]));
  return {
    type: nullable ? ['string', 'array', 'null'] : ['string', 'array'],
    minItems: 1,
    items: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: kinds } },
      allOf: byType('type', rules),
    },
  };
}

// ---------------------------------------------------------------------------------------- messages

const TEXT_ONLY = content(['text']);

const TOOL_CALL: Schema = {
  type: 'object',
  required: ['id', 'type', 'function'],
  properties: {
    id: string,
    type: { const: 'function' },
    function: {
      type: 'object',
      required: ['name', 'arguments'],
      properties: { name: string, arguments: string },
    },
  },
};

const ASSISTANT: Schema = {
  properties: {
    content: content(['text', 'refusal'], true),
    refusal: optionalString,
    tool_calls: { type: ['array', 'null'], items: TOOL_CALL },
    function_call: {
      type: ['object', 'null'],
      required: ['name', 'arguments'],
      properties: { name: string, arguments: string },
    },
    audio: { type: ['object', 'null'], required: ['id'], properties: { id: string } },
  },
  // content may be absent only when the message has tool calls, a function call or audio
  not: {
    properties: {
      content: { type: 'null' },
      tool_calls: { type: ['array', 'null'], maxItems: 0 },
      function_call: { type: 'null' },
      audio: { type: 'null' },
    },
  },
};

export const MESSAGE_SCHEMA: Schema = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
    name: optionalString,
  },
  allOf: byType('role', {
    system: { required: ['content'], properties: { content: TEXT_ONLY } },
    developer: { required: ['content'], properties: { content: TEXT_ONLY } },
    user: {
      required: ['content'],
      properties: { content: content(['text', 'image_url', 'input_audio', 'file']) },
    },
    assistant: ASSISTANT,
    tool: { required: ['tool_call_id', 'content'], properties: { tool_call_id: string, content: TEXT_ONLY } },
  }),
};

// ------------------------------------------------------------------------------- other parameters

const RESPONSE_FORMAT: Schema = {
  type: ['object', 'null'],
  required: ['type'],
  properties: { type: { enum: ['text', 'json_object', 'json_schema'] } },
  if: { properties: { type: { const: 'json_schema' } } },
  then: {
    required: ['json_schema'],
    properties: {
      json_schema: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
          description: optionalString,
          schema: { type: ['object', 'null'] },
          strict: { type: ['boolean', 'null'] },
        },
      },
    },
  },
};

const WEB_SEARCH_OPTIONS: Schema = {
  type: ['object', 'null'],
  properties: {
    search_context_size: { enum: ['low', 'medium', 'high', null] },
    user_location: {
      type: ['object', 'null'],
      required: ['type', 'approximate'],
      properties: {
        type: { const: 'approximate' },
        approximate: {
          type: 'object',
          properties: {
            city: optionalString,
            country: optionalString,
            region: optionalString,
            timezone: optionalString,
          },
        },
      },
    },
  },
};

/** The body's parameters that chat-request-shape.ts checks, by name. */
export const SHAPE_SCHEMA: Schema = {
  type: 'object',
  properties: {
    messages: { type: 'array', items: MESSAGE_SCHEMA },
    logit_bias: {
      type: ['object', 'null'],
      maxProperties: 1024,
      propertyNames: { pattern: '^(0|[1-9]\\d{0,9})$' },
      additionalProperties: { type: 'number', minimum: -100, maximum: 100 },
    },
    metadata: {
      type: ['object', 'null'],
      maxProperties: 16,
      propertyNames: { maxUtf16Length: 64 },
      additionalProperties: { type: 'string', maxUtf16Length: 512 },
    },
    response_format: RESPONSE_FORMAT,
    prediction: {
      type: ['object', 'null'],
      required: ['type', 'content'],
      properties: { type: { const: 'content' }, content: TEXT_ONLY },
    },
    audio: {
      type: ['object', 'null'],
      required: ['voice', 'format'],
      properties: {
        // a voice name, or {"id": …}
        voice: { type: ['string', 'object'], required: ['id'], properties: { id: string } },
        format: { enum: ['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16'] },
      },
    },
    web_search_options: WEB_SEARCH_OPTIONS,
    function_call: {
      if: { type: 'string' },
      then: { enum: ['none', 'auto'] },
      else: { type: ['object', 'null'], required: ['name'], properties: { name: string } },
    },
  },
};
