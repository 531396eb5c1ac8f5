import type { ChatCompletionRequest } from './chat-completion-request';

/**
 * The request parameters of `POST /v1/chat/completions` as OpenAI documents them
 * (openai-node's `ChatCompletionCreateParams`): all an OpenAI-compatible upstream is ever sent.
 * Vendor extensions (`top_k`, `repetition_penalty`, …) are not among them and are dropped.
 */
export const OPENAI_CHAT_PARAMS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'moderation',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_options',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

/** A copy of the request with only the parameters in `known` (one pass over its keys). */
export function withKnownParams(
  request: Readonly<ChatCompletionRequest>,
  known: ReadonlySet<string>,
): ChatCompletionRequest {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(request)) if (known.has(key)) out[key] = request[key];
  return out as ChatCompletionRequest;
}
