import type {
  ChatCompletionRequest,
  ChatMessage,
  FunctionTool,
  TextContentPart,
  UserContentPart,
} from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import type {
  CohereChatRequest,
  CohereContentPart,
  CohereMessage,
  CohereTextPart,
  CohereTool,
} from './cohere-wire';

export interface CohereRequestOptions {
  /** The target's upstream model; replaces the client's `model`. */
  readonly model: string;
  readonly stream: boolean;
  readonly providerSlug: string;
}

/**
 * Cohere-only request fields a client may send as vendor extensions; they pass through unchanged.
 * Every other unknown field is dropped (Cohere rejects fields it does not know).
 */
export const COHERE_PASSTHROUGH_FIELDS: readonly string[] = [
  'k',
  'safety_mode',
  'documents',
  'citation_options',
  'strict_tools',
  'thinking',
  'priority',
];

/**
 * What toCohereRequest reads: OpenAI's parameters it maps, plus COHERE_PASSTHROUGH_FIELDS. Everything
 * else a client sends is ignored (and reported as ignored by the gateway).
 */
export const COHERE_REQUEST_PARAMS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'stop',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'tools',
  'tool_choice',
  ...COHERE_PASSTHROUGH_FIELDS,
]);

/**
 * Translates an OpenAI chat request into a Cohere v2 chat request.
 *
 * - Roles map directly; `developer` becomes `system`. `name` fields are dropped (Cohere has none).
 * - Image parts keep only their URL (`detail` has no Cohere equivalent).
 * - `tool_choice`: `'required'` → `REQUIRED`, `'none'` → `NONE`, `'auto'` → omitted (Cohere's
 *   default). A named function becomes `REQUIRED` with only that tool sent, since Cohere cannot name
 *   one; naming a function that is not in `tools` is a bad_request.
 * - `stop` → `stop_sequences`, `top_p` → `p`, `max_completion_tokens ?? max_tokens` → `max_tokens`;
 *   `temperature`, `seed`, `frequency_penalty`, `presence_penalty` keep their names.
 * - `response_format` `json_object` → `{type:'json_object'}`; `json_schema` → `{type:'json_object',
 *   json_schema}`; `text` → omitted.
 * - `n` > 1 is a bad_request (Cohere answers one message per request).
 * - Dropped: `logit_bias`, `logprobs`, `top_logprobs`, `parallel_tool_calls`, `user`, `store`,
 *   `metadata`, `service_tier`, `reasoning_effort`, `stream_options` (Cohere always reports usage in
 *   `message-end`), tools' `strict`, and unknown fields other than COHERE_PASSTHROUGH_FIELDS.
 */
export function toCohereRequest(
  request: ChatCompletionRequest,
  options: CohereRequestOptions,
): CohereChatRequest {
  const badRequest = (message: string): UpstreamError =>
    new UpstreamError({ kind: 'bad_request', providerSlug: options.providerSlug, upstreamMessage: message });

  if (typeof request.n === 'number' && request.n > 1) {
    throw badRequest('n > 1 is not supported by Cohere (one message per request)');
  }

  const body: CohereChatRequest = {
    model: options.model,
    messages: request.messages.map(toCohereMessage),
    stream: options.stream,
  };

  let tools = request.tools;
  const choice = request.tool_choice;
  if (choice === 'required') body.tool_choice = 'REQUIRED';
  else if (choice === 'none') body.tool_choice = 'NONE';
  else if (typeof choice === 'object' && choice !== null) {
    const name = choice.function.name;
    const named = (tools ?? []).filter((tool) => tool.function.name === name);
    if (named.length === 0)
      throw badRequest(`tool_choice names the function "${name}", which is not in tools`);
    tools = named;
    body.tool_choice = 'REQUIRED';
  }
  if (tools && tools.length > 0) body.tools = tools.map(toCohereTool);

  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === 'number') body.max_tokens = maxTokens;
  if (typeof request.temperature === 'number') body.temperature = request.temperature;
  if (typeof request.top_p === 'number') body.p = request.top_p;
  if (typeof request.seed === 'number') body.seed = request.seed;
  if (typeof request.frequency_penalty === 'number') body.frequency_penalty = request.frequency_penalty;
  if (typeof request.presence_penalty === 'number') body.presence_penalty = request.presence_penalty;
  if (typeof request.stop === 'string') body.stop_sequences = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length > 0) body.stop_sequences = [...request.stop];

  const format = request.response_format;
  if (format?.type === 'json_object') body.response_format = { type: 'json_object' };
  else if (format?.type === 'json_schema') {
    body.response_format = format.json_schema.schema
      ? { type: 'json_object', json_schema: format.json_schema.schema }
      : { type: 'json_object' };
  }

  for (const field of COHERE_PASSTHROUGH_FIELDS) {
    if (request[field] !== undefined) body[field] = request[field];
  }
  return body;
}

function toCohereMessage(message: ChatMessage): CohereMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textContent(message.content) };
    case 'user':
      return { role: 'user', content: userContent(message.content) };
    case 'assistant': {
      const out: CohereMessage = { role: 'assistant' };
      const content = message.content;
      const hasText =
        typeof content === 'string' ? content.length > 0 : Array.isArray(content) && content.length > 0;
      if (hasText && content) out.content = textContent(content);
      if (message.tool_calls && message.tool_calls.length > 0) {
        out.tool_calls = message.tool_calls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.function.name, arguments: call.function.arguments },
        }));
      } else if (!hasText) {
        out.content = '';
      }
      return out;
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, content: textContent(message.content) };
  }
}

function textContent(content: string | TextContentPart[]): string | CohereTextPart[] {
  if (typeof content === 'string') return content;
  return content.map((part) => ({ type: 'text', text: part.text }));
}

function userContent(content: string | UserContentPart[]): string | CohereContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((part): CohereContentPart =>
    part.type === 'text'
      ? { type: 'text', text: part.text }
      : { type: 'image_url', image_url: { url: part.image_url.url } },
  );
}

function toCohereTool(tool: FunctionTool): CohereTool {
  const fn: CohereTool['function'] = { name: tool.function.name };
  if (tool.function.description !== undefined) fn.description = tool.function.description;
  if (tool.function.parameters !== undefined) fn.parameters = tool.function.parameters;
  return { type: 'function', function: fn };
}
