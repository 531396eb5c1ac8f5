import type { ChatCompletionRequest } from '../openai-wire';
import {
  decimalIn,
  expectType,
  integerIn,
  isObject,
  optional,
  typeName,
  type Json,
} from './json-field-checks';
import { invalidRequest, modelNotFound } from './mock-api-error';

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Checks a parsed body the way OpenAI does and returns it typed, or throws a MockApiError with
 * OpenAI's status, wording, `param` and `code`. Unknown top-level fields are accepted, as vLLM and
 * other OpenAI-compatible servers accept their extensions (the gateway sends OpenAI's parameters
 * only; `stats().paramsSeen` shows what arrived). `models` limits which models exist (404 model_not_found).
 */
export function validateChatRequest(
  body: unknown,
  models: ReadonlySet<string> | undefined,
): ChatCompletionRequest {
  if (!isObject(body)) {
    throw invalidRequest(
      `Invalid type for request body: expected an object, but got ${typeName(body)} instead.`,
    );
  }
  if (body['model'] === undefined || body['model'] === null || body['model'] === '') {
    throw invalidRequest('you must provide a model parameter');
  }
  expectType(body, 'model', 'string', 'model');
  validateMessages(body['messages']);
  optional(body, 'stream', 'boolean');
  if (body['stream_options'] !== undefined && body['stream_options'] !== null) {
    if (body['stream'] !== true) {
      throw invalidRequest(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'stream_options',
      );
    }
    expectType(body, 'stream_options', 'object', 'stream_options');
  }
  integerIn(body, 'n', 1, 128);
  decimalIn(body, 'temperature', 0, 2);
  decimalIn(body, 'top_p', 0, 1);
  decimalIn(body, 'presence_penalty', -2, 2);
  decimalIn(body, 'frequency_penalty', -2, 2);
  integerIn(body, 'max_tokens', 1, Number.MAX_SAFE_INTEGER);
  integerIn(body, 'max_completion_tokens', 1, Number.MAX_SAFE_INTEGER);
  integerIn(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  integerIn(body, 'top_logprobs', 0, 20);
  optional(body, 'user', 'string');
  optional(body, 'logprobs', 'boolean');
  optional(body, 'parallel_tool_calls', 'boolean');
  validateStop(body['stop']);
  const toolNames = validateTools(body['tools']);
  validateToolChoice(body['tool_choice'], toolNames);
  validateResponseFormat(body);
  const model = body['model'] as string;
  if (models && !models.has(model)) throw modelNotFound(model);
  return body as ChatCompletionRequest;
}

function validateMessages(messages: unknown): void {
  if (messages === undefined || messages === null) {
    throw invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (!Array.isArray(messages)) {
    throw invalidRequest(
      `Invalid type for 'messages': expected an array of objects, but got ${typeName(messages)} instead.`,
      'messages',
      'invalid_type',
    );
  }
  if (messages.length === 0) {
    throw invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  let openToolCalls = new Set<string>();
  messages.forEach((message: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isObject(message)) {
      throw invalidRequest(
        `Invalid type for '${at}': expected an object, but got ${typeName(message)} instead.`,
        at,
        'invalid_type',
      );
    }
    const role = message['role'];
    if (role === undefined)
      throw invalidRequest(
        `Missing required parameter: '${at}.role'.`,
        `${at}.role`,
        'missing_required_parameter',
      );
    if (typeof role !== 'string' || !ROLES.includes(role)) {
      throw invalidRequest(
        `Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `${at}.role`,
        'invalid_value',
      );
    }
    if (role === 'assistant') {
      const calls = validateAssistantToolCalls(message['tool_calls'], at);
      if (calls.size === 0 && (message['content'] === undefined || message['content'] === null)) {
        throw invalidRequest(
          `Invalid '${at}': an assistant message must have 'content' or 'tool_calls'.`,
          `${at}.content`,
          'missing_required_parameter',
        );
      }
      if (message['content'] !== undefined && message['content'] !== null)
        validateContent(message['content'], `${at}.content`, false);
      openToolCalls = calls;
      return;
    }
    if (message['content'] === undefined || message['content'] === null) {
      throw invalidRequest(
        `Missing required parameter: '${at}.content'.`,
        `${at}.content`,
        'missing_required_parameter',
      );
    }
    validateContent(message['content'], `${at}.content`, role === 'user');
    if (role === 'tool') {
      const id = message['tool_call_id'];
      if (typeof id !== 'string') {
        throw invalidRequest(
          `Missing required parameter: '${at}.tool_call_id'.`,
          `${at}.tool_call_id`,
          'missing_required_parameter',
        );
      }
      if (!openToolCalls.has(id)) {
        throw invalidRequest(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `${at}.role`,
        );
      }
      return;
    }
    openToolCalls = new Set();
  });
}

function validateAssistantToolCalls(toolCalls: unknown, at: string): Set<string> {
  const ids = new Set<string>();
  if (toolCalls === undefined || toolCalls === null) return ids;
  if (!Array.isArray(toolCalls)) {
    throw invalidRequest(
      `Invalid type for '${at}.tool_calls': expected an array.`,
      `${at}.tool_calls`,
      'invalid_type',
    );
  }
  toolCalls.forEach((call: unknown, j) => {
    const where = `${at}.tool_calls[${j}]`;
    if (!isObject(call) || typeof call['id'] !== 'string' || !isObject(call['function'])) {
      throw invalidRequest(
        `Invalid '${where}': expected an object with 'id', 'type' and 'function'.`,
        where,
        'invalid_value',
      );
    }
    const fn = call['function'];
    if (typeof fn['name'] !== 'string' || typeof fn['arguments'] !== 'string') {
      throw invalidRequest(
        `Missing required parameter: '${where}.function.arguments'.`,
        `${where}.function`,
        'missing_required_parameter',
      );
    }
    ids.add(call['id']);
  });
  return ids;
}

function validateContent(content: unknown, at: string, allowImages: boolean): void {
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) {
    throw invalidRequest(
      `Invalid type for '${at}': expected one of a string or array of objects, but got ${typeName(content)} instead.`,
      at,
      'invalid_type',
    );
  }
  content.forEach((part: unknown, k) => {
    const where = `${at}[${k}]`;
    const type = isObject(part) ? part['type'] : undefined;
    if (isObject(part) && type === 'text' && typeof part['text'] === 'string') return;
    if (
      allowImages &&
      isObject(part) &&
      type === 'image_url' &&
      isObject(part['image_url']) &&
      typeof part['image_url']['url'] === 'string'
    ) {
      return;
    }
    throw invalidRequest(
      `Invalid value: '${String(type)}'. Supported values are: 'text'${allowImages ? " and 'image_url'" : ''}.`,
      `${where}.type`,
      'invalid_value',
    );
  });
}

function validateStop(stop: unknown): void {
  if (stop === undefined || stop === null || typeof stop === 'string') return;
  if (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string')) {
    throw invalidRequest(
      `Invalid type for 'stop': expected one of a string or array of strings, but got ${typeName(stop)} instead.`,
      'stop',
      'invalid_type',
    );
  }
  if (stop.length > 4) {
    throw invalidRequest(
      `Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${stop.length} instead.`,
      'stop',
      'array_above_max_length',
    );
  }
}

function validateTools(tools: unknown): Set<string> {
  const names = new Set<string>();
  if (tools === undefined || tools === null) return names;
  if (!Array.isArray(tools)) {
    throw invalidRequest(
      `Invalid type for 'tools': expected an array, but got ${typeName(tools)} instead.`,
      'tools',
      'invalid_type',
    );
  }
  tools.forEach((tool: unknown, i) => {
    const at = `tools[${i}]`;
    if (!isObject(tool) || tool['type'] !== 'function') {
      throw invalidRequest(
        `Invalid value: '${isObject(tool) ? String(tool['type']) : typeName(tool)}'. Supported values are: 'function'.`,
        `${at}.type`,
        'invalid_value',
      );
    }
    const fn = tool['function'];
    if (!isObject(fn))
      throw invalidRequest(
        `Missing required parameter: '${at}.function'.`,
        `${at}.function`,
        'missing_required_parameter',
      );
    const name = fn['name'];
    if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
      throw invalidRequest(
        `Invalid '${at}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        `${at}.function.name`,
        'invalid_value',
      );
    }
    if (fn['parameters'] !== undefined && !isObject(fn['parameters'])) {
      throw invalidRequest(
        `Invalid type for '${at}.function.parameters': expected an object.`,
        `${at}.function.parameters`,
        'invalid_type',
      );
    }
    names.add(name);
  });
  return names;
}

function validateToolChoice(choice: unknown, toolNames: ReadonlySet<string>): void {
  if (choice === undefined || choice === null) return;
  if (toolNames.size === 0) {
    throw invalidRequest(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'tool_choice',
    );
  }
  if (choice === 'none' || choice === 'auto' || choice === 'required') return;
  if (isObject(choice) && choice['type'] === 'function' && isObject(choice['function'])) {
    const name = choice['function']['name'];
    if (typeof name === 'string' && toolNames.has(name)) return;
    throw invalidRequest(
      `Invalid value for 'tool_choice': function '${String(name)}' is not one of the 'tools'.`,
      'tool_choice',
      'invalid_value',
    );
  }
  throw invalidRequest(
    'Invalid value for \'tool_choice\': expected \'none\', \'auto\', \'required\' or {"type": "function", "function": {"name": ...}}.',
    'tool_choice',
    'invalid_value',
  );
}

function validateResponseFormat(body: Json): void {
  const format = body['response_format'];
  if (format === undefined || format === null) return;
  const type = isObject(format) ? format['type'] : undefined;
  if (type === 'text') return;
  if (type === 'json_object') {
    if (!JSON.stringify(body['messages']).toLowerCase().includes('json')) {
      throw invalidRequest(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'messages',
      );
    }
    return;
  }
  if (type === 'json_schema' && isObject(format)) {
    const spec = format['json_schema'];
    if (!isObject(spec) || typeof spec['name'] !== 'string') {
      throw invalidRequest(
        "Missing required parameter: 'response_format.json_schema.name'.",
        'response_format.json_schema.name',
        'missing_required_parameter',
      );
    }
    return;
  }
  throw invalidRequest(
    `Invalid value: '${String(type)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
    'response_format.type',
    'invalid_value',
  );
}
