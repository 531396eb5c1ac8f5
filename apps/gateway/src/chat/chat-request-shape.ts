/**
 * The nested shapes of a chat request that class-validator cannot describe with a path (content
 * parts by type, tool calls, maps such as logit_bias and metadata, response_format …), checked by
 * hand in one pass. Each check returns the first problem with the parameter's full path
 * (`messages[1].content[0].image_url.url`), or null. Linear in the size of what it visits.
 */
export interface ShapeProblem {
  readonly param: string;
  readonly message: string;
}

type Json = Readonly<Record<string, unknown>>;
type Check = (value: unknown, at: string) => ShapeProblem | null;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

const problem = (param: string, message: string): ShapeProblem => ({ param, message });

const expected = (at: string, what: string, value: unknown): ShapeProblem =>
  problem(at, `${at} must be ${what}, not ${typeName(value)}`);

const missing = (at: string): ShapeProblem => problem(at, `${at} is required`);

const oneOf = (at: string, allowed: readonly string[], value: unknown): ShapeProblem =>
  problem(
    at,
    `${at} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, not ${JSON.stringify(value)}`,
  );

/** `value` is absent (undefined or null: OpenAI treats an explicit null as "not given"). */
const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

const requiredString: Check = (value, at) =>
  absent(value) ? missing(at) : typeof value === 'string' ? null : expected(at, 'a string', value);

const optionalString: Check = (value, at) =>
  absent(value) || typeof value === 'string' ? null : expected(at, 'a string', value);

const requiredObject = (value: unknown, at: string): ShapeProblem | null =>
  absent(value) ? missing(at) : isObject(value) ? null : expected(at, 'an object', value);

const optionalEnum = (value: unknown, at: string, allowed: readonly string[]): ShapeProblem | null =>
  absent(value) || allowed.includes(value as string) ? null : oneOf(at, allowed, value);

/** Runs checks in order and returns the first problem. */
function first(...problems: Array<() => ShapeProblem | null>): ShapeProblem | null {
  for (const check of problems) {
    const found = check();
    if (found) return found;
  }
  return null;
}

// ---------------------------------------------------------------------------------- content parts

const IMAGE_DETAILS = ['auto', 'low', 'high'];
const AUDIO_INPUT_FORMATS = ['wav', 'mp3'];

type PartKind = 'text' | 'image_url' | 'input_audio' | 'file' | 'refusal';

const PART_CHECKS: Readonly<Record<PartKind, (part: Json, at: string) => ShapeProblem | null>> = {
  text: (part, at) => requiredString(part['text'], `${at}.text`),
  image_url: (part, at) => {
    const image = part['image_url'];
    return first(
      () => requiredObject(image, `${at}.image_url`),
      () => {
        const url = (image as Json)['url'];
        if (typeof url === 'string' && url.length === 0)
          return problem(`${at}.image_url.url`, `${at}.image_url.url must not be empty`);
        return requiredString(url, `${at}.image_url.url`);
      },
      () => optionalEnum((image as Json)['detail'], `${at}.image_url.detail`, IMAGE_DETAILS),
    );
  },
  input_audio: (part, at) => {
    const audio = part['input_audio'];
    return first(
      () => requiredObject(audio, `${at}.input_audio`),
      () => requiredString((audio as Json)['data'], `${at}.input_audio.data`),
      () =>
        absent((audio as Json)['format'])
          ? missing(`${at}.input_audio.format`)
          : optionalEnum((audio as Json)['format'], `${at}.input_audio.format`, AUDIO_INPUT_FORMATS),
    );
  },
  file: (part, at) => {
    const file = part['file'];
    return first(
      () => requiredObject(file, `${at}.file`),
      () => optionalString((file as Json)['file_data'], `${at}.file.file_data`),
      () => optionalString((file as Json)['file_id'], `${at}.file.file_id`),
      () => optionalString((file as Json)['filename'], `${at}.file.filename`),
      () =>
        absent((file as Json)['file_data']) && absent((file as Json)['file_id'])
          ? problem(`${at}.file`, `${at}.file needs file_data or file_id`)
          : null,
    );
  },
  refusal: (part, at) => requiredString(part['refusal'], `${at}.refusal`),
};

/** `content`: a string or a non-empty array of parts whose types `allowed` lists. */
function contentProblem(content: unknown, at: string, allowed: readonly PartKind[]): ShapeProblem | null {
  if (typeof content === 'string') return null;
  if (!Array.isArray(content)) return expected(at, 'a string or an array of content parts', content);
  if (content.length === 0) return problem(at, `${at} must not be an empty array`);
  for (let i = 0; i < content.length; i++) {
    const part: unknown = content[i];
    const where = `${at}[${i}]`;
    if (!isObject(part)) return expected(where, 'a content part object', part);
    const type = part['type'];
    if (absent(type)) return missing(`${where}.type`);
    if (!allowed.includes(type as PartKind)) return oneOf(`${where}.type`, allowed, type);
    const found = PART_CHECKS[type as PartKind](part, where);
    if (found) return found;
  }
  return null;
}

// ---------------------------------------------------------------------------------------- messages

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];
const TEXT_ONLY: readonly PartKind[] = ['text'];
const USER_PARTS: readonly PartKind[] = ['text', 'image_url', 'input_audio', 'file'];
const ASSISTANT_PARTS: readonly PartKind[] = ['text', 'refusal'];

function toolCallProblem(call: unknown, at: string): ShapeProblem | null {
  if (!isObject(call)) return expected(at, 'a tool call object', call);
  const fn = call['function'];
  return first(
    () => requiredString(call['id'], `${at}.id`),
    () => (call['type'] === 'function' ? null : oneOf(`${at}.type`, ['function'], call['type'])),
    () => requiredObject(fn, `${at}.function`),
    () => requiredString((fn as Json)['name'], `${at}.function.name`),
    () => requiredString((fn as Json)['arguments'], `${at}.function.arguments`),
  );
}

function assistantProblem(message: Json, at: string): ShapeProblem | null {
  const calls = message['tool_calls'];
  const functionCall = message['function_call'];
  return first(
    () =>
      absent(message['content'])
        ? null
        : contentProblem(message['content'], `${at}.content`, ASSISTANT_PARTS),
    () => optionalString(message['refusal'], `${at}.refusal`),
    () => {
      if (absent(calls)) return null;
      if (!Array.isArray(calls)) return expected(`${at}.tool_calls`, 'an array of tool calls', calls);
      for (let i = 0; i < calls.length; i++) {
        const found = toolCallProblem(calls[i], `${at}.tool_calls[${i}]`);
        if (found) return found;
      }
      return null;
    },
    () =>
      absent(functionCall)
        ? null
        : first(
            () => requiredObject(functionCall, `${at}.function_call`),
            () => requiredString((functionCall as Json)['name'], `${at}.function_call.name`),
            () => requiredString((functionCall as Json)['arguments'], `${at}.function_call.arguments`),
          ),
    () =>
      absent(message['audio'])
        ? null
        : first(
            () => requiredObject(message['audio'], `${at}.audio`),
            () => requiredString((message['audio'] as Json)['id'], `${at}.audio.id`),
          ),
    () =>
      absent(message['content']) &&
      (absent(calls) || (Array.isArray(calls) && calls.length === 0)) &&
      absent(functionCall) &&
      absent(message['audio'])
        ? problem(`${at}.content`, `${at}.content is required unless the assistant message has tool_calls`)
        : null,
  );
}

function messageProblem(message: unknown, at: string): ShapeProblem | null {
  if (!isObject(message)) return expected(at, 'a message object', message);
  const role = message['role'];
  if (absent(role)) return missing(`${at}.role`);
  if (!ROLES.includes(role as string)) return oneOf(`${at}.role`, ROLES, role);
  const name = optionalString(message['name'], `${at}.name`);
  if (name) return name;
  const content = message['content'];
  switch (role) {
    case 'system':
    case 'developer':
      return absent(content) ? missing(`${at}.content`) : contentProblem(content, `${at}.content`, TEXT_ONLY);
    case 'user':
      return absent(content)
        ? missing(`${at}.content`)
        : contentProblem(content, `${at}.content`, USER_PARTS);
    case 'tool':
      return first(
        () => requiredString(message['tool_call_id'], `${at}.tool_call_id`),
        () =>
          absent(content) ? missing(`${at}.content`) : contentProblem(content, `${at}.content`, TEXT_ONLY),
      );
    default:
      return assistantProblem(message, at);
  }
}

/** Every message, by role: what its content may hold, tool calls, tool results. */
export function messagesProblem(messages: unknown): ShapeProblem | null {
  if (!Array.isArray(messages)) return null; // the DTO reports the missing or mistyped array
  for (let i = 0; i < messages.length; i++) {
    const found = messageProblem(messages[i], `messages[${i}]`);
    if (found) return found;
  }
  return null;
}

// ------------------------------------------------------------------------------- other parameters

const TOKEN_ID = /^(0|[1-9]\d{0,9})$/;
const MAX_LOGIT_BIAS_ENTRIES = 1024;

/** `logit_bias`: token ids (integer strings) → bias in [-100, 100]. */
function logitBiasProblem(value: unknown): ShapeProblem | null {
  if (absent(value)) return null;
  if (!isObject(value)) return expected('logit_bias', 'an object of token ids to numbers', value);
  const entries = Object.entries(value);
  if (entries.length > MAX_LOGIT_BIAS_ENTRIES)
    return problem('logit_bias', `logit_bias may hold at most ${MAX_LOGIT_BIAS_ENTRIES} tokens`);
  for (const [token, bias] of entries) {
    const at = `logit_bias.${token}`;
    if (!TOKEN_ID.test(token))
      return problem('logit_bias', `logit_bias keys must be token ids, not "${token}"`);
    if (typeof bias !== 'number' || !Number.isFinite(bias) || bias < -100 || bias > 100)
      return problem(at, `${at} must be a number from -100 to 100`);
  }
  return null;
}

/** `metadata`: at most 16 string values, keys up to 64 and values up to 512 characters. */
function metadataProblem(value: unknown): ShapeProblem | null {
  if (absent(value)) return null;
  if (!isObject(value)) return expected('metadata', 'an object of strings', value);
  const entries = Object.entries(value);
  if (entries.length > 16) return problem('metadata', 'metadata may hold at most 16 keys');
  for (const [key, text] of entries) {
    if (key.length > 64) return problem('metadata', 'metadata keys must be at most 64 characters');
    const at = `metadata.${key}`;
    if (typeof text !== 'string') return expected(at, 'a string', text);
    if (text.length > 512) return problem(at, `${at} must be at most 512 characters`);
  }
  return null;
}

const SCHEMA_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** `response_format`: text, json_object, or json_schema with a name and an optional schema object. */
function responseFormatProblem(value: unknown): ShapeProblem | null {
  if (absent(value)) return null;
  if (!isObject(value)) return expected('response_format', 'an object', value);
  const type = value['type'];
  if (absent(type)) return missing('response_format.type');
  if (type === 'text' || type === 'json_object') return null;
  if (type !== 'json_schema')
    return oneOf('response_format.type', ['text', 'json_object', 'json_schema'], type);
  const spec = value['json_schema'];
  return first(
    () => requiredObject(spec, 'response_format.json_schema'),
    () => requiredString((spec as Json)['name'], 'response_format.json_schema.name'),
    () =>
      SCHEMA_NAME.test((spec as Json)['name'] as string)
        ? null
        : problem(
            'response_format.json_schema.name',
            'response_format.json_schema.name must be 1–64 letters, digits, underscores or dashes',
          ),
    () => optionalString((spec as Json)['description'], 'response_format.json_schema.description'),
    () =>
      absent((spec as Json)['schema']) || isObject((spec as Json)['schema'])
        ? null
        : expected('response_format.json_schema.schema', 'an object', (spec as Json)['schema']),
    () =>
      absent((spec as Json)['strict']) || typeof (spec as Json)['strict'] === 'boolean'
        ? null
        : expected('response_format.json_schema.strict', 'a boolean', (spec as Json)['strict']),
  );
}

/** `prediction`: `{type: "content", content: string | text parts}`. */
function predictionProblem(value: unknown): ShapeProblem | null {
  if (absent(value)) return null;
  if (!isObject(value)) return expected('prediction', 'an object', value);
  return first(
    () => (value['type'] === 'content' ? null : oneOf('prediction.type', ['content'], value['type'])),
    () =>
      absent(value['content'])
        ? missing('prediction.content')
        : contentProblem(value['content'], 'prediction.content', TEXT_ONLY),
  );
}

const AUDIO_OUTPUT_FORMATS = ['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16'];

/** `audio` (output): a voice (a name, or `{id}`) and a format. */
function audioProblem(value: unknown): ShapeProblem | null {
  if (absent(value)) return null;
  if (!isObject(value)) return expected('audio', 'an object', value);
  const voice = value['voice'];
  return first(
    () =>
      absent(voice)
        ? missing('audio.voice')
        : typeof voice === 'string' || (isObject(voice) && typeof voice['id'] === 'string')
          ? null
          : expected('audio.voice', 'a voice name or {"id": …}', voice),
    () =>
      absent(value['format'])
        ? missing('audio.format')
        : optionalEnum(value['format'], 'audio.format', AUDIO_OUTPUT_FORMATS),
  );
}

/** `web_search_options`: a context size and an approximate user location, both optional. */
function webSearchProblem(value: unknown): ShapeProblem | null {
  if (absent(value)) return null;
  if (!isObject(value)) return expected('web_search_options', 'an object', value);
  const location = value['user_location'];
  return first(
    () =>
      optionalEnum(value['search_context_size'], 'web_search_options.search_context_size', [
        'low',
        'medium',
        'high',
      ]),
    () => {
      if (absent(location)) return null;
      if (!isObject(location)) return expected('web_search_options.user_location', 'an object', location);
      const approximate = location['approximate'];
      return first(
        () =>
          location['type'] === 'approximate'
            ? null
            : oneOf('web_search_options.user_location.type', ['approximate'], location['type']),
        () => requiredObject(approximate, 'web_search_options.user_location.approximate'),
        () => {
          for (const key of ['city', 'country', 'region', 'timezone']) {
            const found = optionalString(
              (approximate as Json)[key],
              `web_search_options.user_location.approximate.${key}`,
            );
            if (found) return found;
          }
          return null;
        },
      );
    },
  );
}

/** `function_call` (deprecated): "none", "auto" or `{name}`. */
function functionCallProblem(value: unknown): ShapeProblem | null {
  if (absent(value) || value === 'none' || value === 'auto') return null;
  if (!isObject(value)) return expected('function_call', '"none", "auto" or {"name": …}', value);
  return requiredString(value['name'], 'function_call.name');
}

/**
 * The first problem among the request's nested shapes, in the order a reader scans a request:
 * messages, then the other structured parameters.
 */
export function chatRequestShapeProblem(body: Json): ShapeProblem | null {
  return first(
    () => messagesProblem(body['messages']),
    () => logitBiasProblem(body['logit_bias']),
    () => metadataProblem(body['metadata']),
    () => responseFormatProblem(body['response_format']),
    () => predictionProblem(body['prediction']),
    () => audioProblem(body['audio']),
    () => webSearchProblem(body['web_search_options']),
    () => functionCallProblem(body['function_call']),
  );
}
