import type { ChatCompletion, CompletionUsage, FinishReason, ToolCall } from '../openai-wire';
import type { UpstreamErrorKind } from '../upstream-error';
import type {
  AnthropicMessage,
  AnthropicStopReason,
  AnthropicToolUseBlock,
  AnthropicUsage,
} from './anthropic-wire';

/**
 * An Anthropic answer as an OpenAI ChatCompletion: text blocks joined into `content` (null when the
 * model only called tools), tool_use blocks as `tool_calls` with `arguments = JSON.stringify(input)`,
 * one choice. Other block types (thinking …) are dropped.
 */
export function toChatCompletion(message: AnthropicMessage, created: number = nowSeconds()): ChatCompletion {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && 'text' in block) text += block.text;
    else if (block.type === 'tool_use' && 'input' in block)
      toolCalls.push(toToolCall(block as AnthropicToolUseBlock));
  }
  const completion: ChatCompletion = {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text.length === 0 && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toFinishReason(message.stop_reason),
        logprobs: null,
      },
    ],
    usage: toCompletionUsage(message.usage),
  };
  return completion;
}

/** end_turn / stop_sequence / pause_turn → stop, max_tokens → length, tool_use → tool_calls, refusal → content_filter. */
export function toFinishReason(reason: AnthropicStopReason | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/**
 * Anthropic counts cached prompt tokens apart from `input_tokens`; OpenAI counts them inside
 * `prompt_tokens` and reports the cache hits as `cached_tokens`. Cache writes (billed above the
 * input price) are reported as `cache_write_tokens`, and those kept for an hour (dearer still) as
 * `cache_write_1h_tokens`: Switchyard extensions.
 */
export function toCompletionUsage(usage: Partial<AnthropicUsage> | undefined): CompletionUsage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const cacheWrite1h = Math.min(cacheWrite, usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0);
  const prompt = (usage?.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage?.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: {
      cached_tokens: cacheRead,
      ...(cacheWrite > 0 && { cache_write_tokens: cacheWrite }),
      ...(cacheWrite1h > 0 && { cache_write_1h_tokens: cacheWrite1h }),
    },
  };
}

/** The UpstreamError kind for the `error.type` of an Anthropic error body or stream error event. */
export function kindForAnthropicErrorType(type: string | undefined): UpstreamErrorKind {
  switch (type) {
    case 'rate_limit_error':
      return 'rate_limited';
    case 'authentication_error':
    case 'permission_error':
    case 'billing_error':
      return 'auth';
    case 'invalid_request_error':
    case 'request_too_large':
      return 'bad_request';
    case 'not_found_error':
      return 'not_found';
    case 'timeout_error':
      return 'timeout';
    default:
      return 'server'; // overloaded_error, api_error, anything new
  }
}

/** Whether a parsed JSON body is an Anthropic message (the only 200 answer `complete` accepts). */
export function isAnthropicMessage(value: unknown): value is AnthropicMessage {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['type'] === 'message' && Array.isArray(record['content']) && typeof record['id'] === 'string';
}

function toToolCall(block: AnthropicToolUseBlock): ToolCall {
  return {
    id: block.id,
    type: 'function',
    function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
  };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
