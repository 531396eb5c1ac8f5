import type { IncomingHttpHeaders } from 'node:http';

/** A problem with a request, answered the way Anthropic answers it. */
export interface RequestProblem {
  readonly status: 400 | 401 | 404;
  readonly type: 'invalid_request_error' | 'authentication_error' | 'not_found_error';
  readonly message: string;
}

const TOP_LEVEL_FIELDS = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'metadata',
  'stream',
]);

/**
 * Checks a request the way Anthropic does (and a little stricter, so translation bugs fail tests):
 * the `x-api-key` and `anthropic-version` headers, no Bearer header, required `max_tokens`, no unknown
 * top-level fields (Anthropic: "Extra inputs are not permitted"), strictly alternating user/assistant
 * turns starting with user, no `system` role, valid blocks per role, `tool_result` blocks only at the
 * start of the user turn right after the assistant turn whose `tool_use` ids they answer, and every
 * `tool_use` answered there.
 */
export function checkAnthropicRequest(
  path: string,
  headers: IncomingHttpHeaders,
  body: unknown,
  apiKey: string,
): RequestProblem | undefined {
  if (path !== '/v1/messages') return { status: 404, type: 'not_found_error', message: `Not found: ${path}` };
  const headerProblem = checkAnthropicHeaders(headers, apiKey);
  if (headerProblem) return headerProblem;
  const invalid = (message: string): RequestProblem => ({
    status: 400,
    type: 'invalid_request_error',
    message,
  });
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return invalid('body: not a JSON object');
  const request = body as Record<string, unknown>;
  for (const key of Object.keys(request)) {
    if (!TOP_LEVEL_FIELDS.has(key)) return invalid(`${key}: Extra inputs are not permitted`);
  }
  if (typeof request['model'] !== 'string' || request['model'].length === 0)
    return invalid('model: Field required');
  if (!Number.isInteger(request['max_tokens']) || (request['max_tokens'] as number) < 1) {
    return invalid('max_tokens: Field required');
  }
  if (
    request['system'] !== undefined &&
    typeof request['system'] !== 'string' &&
    !Array.isArray(request['system'])
  ) {
    return invalid('system: Input should be a valid string');
  }
  const temperature = request['temperature'];
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 1)) {
    return invalid('temperature: range: 0..1');
  }
  const stops = request['stop_sequences'];
  if (stops !== undefined && (!Array.isArray(stops) || stops.some((s) => typeof s !== 'string'))) {
    return invalid('stop_sequences: Input should be a valid list of strings');
  }
  if (request['stream'] !== undefined && typeof request['stream'] !== 'boolean')
    return invalid('stream: bool');
  const toolNames = new Set<string>();
  if (request['tools'] !== undefined) {
    if (!Array.isArray(request['tools'])) return invalid('tools: Input should be a valid list');
    for (const [i, tool] of (request['tools'] as unknown[]).entries()) {
      const t = asRecord(tool);
      if (
        typeof t['name'] !== 'string' ||
        asRecord(t['input_schema'])['type'] !== 'object' ||
        'function' in t
      ) {
        return invalid(`tools.${i}: needs name and input_schema of type object`);
      }
      toolNames.add(t['name']);
    }
  }
  if (request['tool_choice'] !== undefined) {
    const choice = asRecord(request['tool_choice']);
    if (!['auto', 'any', 'tool', 'none'].includes(String(choice['type'])))
      return invalid('tool_choice.type: invalid');
    if (choice['type'] === 'tool' && !toolNames.has(String(choice['name']))) {
      return invalid('tool_choice.name: names no tool');
    }
  }
  return checkMessages(request['messages'], invalid);
}

/**
 * The headers every Anthropic request needs: the key in `x-api-key` (401 otherwise), no
 * Authorization header, and `anthropic-version: 2023-06-01`.
 */
export function checkAnthropicHeaders(
  headers: IncomingHttpHeaders,
  apiKey: string,
): RequestProblem | undefined {
  if (headers['x-api-key'] !== apiKey) {
    return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  }
  if (headers['authorization'] !== undefined) {
    return {
      status: 400,
      type: 'invalid_request_error',
      message: 'the key must not be sent as Authorization',
    };
  }
  if (headers['anthropic-version'] !== '2023-06-01') {
    return { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' };
  }
  return undefined;
}

function checkMessages(
  value: unknown,
  invalid: (message: string) => RequestProblem,
): RequestProblem | undefined {
  if (!Array.isArray(value) || value.length === 0)
    return invalid('messages: at least one message is required');
  let pendingToolUses: Set<string> = new Set();
  for (const [i, item] of value.entries()) {
    const message = asRecord(item);
    const role = message['role'];
    if (role !== 'user' && role !== 'assistant')
      return invalid(`messages.${i}.role: must be user or assistant`);
    if (i === 0 && role !== 'user') return invalid('messages: first message must use the "user" role');
    if (i > 0 && asRecord(value[i - 1])['role'] === role)
      return invalid(`messages.${i}: roles must alternate`);
    const content = message['content'];
    if (typeof content === 'string') {
      if (content.length === 0) return invalid(`messages.${i}: content must be non-empty`);
      if (pendingToolUses.size > 0) return invalid(`messages.${i}: tool_use ids without tool_result`);
      continue;
    }
    if (!Array.isArray(content) || content.length === 0)
      return invalid(`messages.${i}: content must be non-empty`);
    const toolUses = new Set<string>();
    let otherBlockSeen = false;
    for (const [j, raw] of content.entries()) {
      const problem = checkBlock(asRecord(raw), role, `messages.${i}.content.${j}`, invalid);
      if (problem) return problem;
      const block = asRecord(raw);
      if (block['type'] === 'tool_use') toolUses.add(String(block['id']));
      if (block['type'] === 'tool_result') {
        if (otherBlockSeen) return invalid(`messages.${i}.content.${j}: tool_result blocks must come first`);
        if (!pendingToolUses.delete(String(block['tool_use_id']))) {
          return invalid(`messages.${i}.content.${j}: unexpected tool_use_id found in tool_result blocks`);
        }
      } else {
        otherBlockSeen = true;
      }
    }
    if (role === 'user' && pendingToolUses.size > 0) {
      return invalid(`messages.${i}: tool_use ids were found without tool_result blocks immediately after`);
    }
    pendingToolUses = toolUses;
  }
  return undefined;
}

function checkBlock(
  block: Record<string, unknown>,
  role: 'user' | 'assistant',
  where: string,
  invalid: (message: string) => RequestProblem,
): RequestProblem | undefined {
  switch (block['type']) {
    case 'text':
      return typeof block['text'] === 'string' && block['text'].length > 0
        ? undefined
        : invalid(`${where}: text content blocks must be non-empty`);
    case 'image': {
      if (role !== 'user') return invalid(`${where}: images only in user turns`);
      const source = asRecord(block['source']);
      const ok =
        (source['type'] === 'base64' &&
          typeof source['media_type'] === 'string' &&
          typeof source['data'] === 'string') ||
        (source['type'] === 'url' && typeof source['url'] === 'string');
      return ok ? undefined : invalid(`${where}.source: invalid image source`);
    }
    case 'tool_use': {
      if (role !== 'assistant') return invalid(`${where}: tool_use only in assistant turns`);
      const input = block['input'];
      const ok =
        typeof block['id'] === 'string' &&
        typeof block['name'] === 'string' &&
        typeof input === 'object' &&
        input !== null &&
        !Array.isArray(input);
      return ok ? undefined : invalid(`${where}: tool_use needs id, name and an object input`);
    }
    case 'tool_result':
      if (role !== 'user') return invalid(`${where}: tool_result only in user turns`);
      return typeof block['tool_use_id'] === 'string' ? undefined : invalid(`${where}: tool_use_id required`);
    default:
      return invalid(`${where}.type: unknown block type`);
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
