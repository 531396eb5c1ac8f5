import type { ChoiceLogprobs, CompletionUsage, FinishReason } from './chat-completion-response';

/**
 * One `data:` event of a streamed answer. Every chunk of a stream has the same id, created and model.
 * Per choice: the first delta carries `role: 'assistant'`, later deltas carry content or tool-call
 * fragments, and exactly one chunk carries the `finish_reason`. With `stream_options.include_usage`
 * every chunk has `usage: null` except a last one whose `choices` is empty and whose `usage` is set.
 * The stream then ends with `data: [DONE]`.
 */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: CompletionUsage | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionDelta;
  finish_reason: FinishReason | null;
  logprobs?: ChoiceLogprobs | null;
}

export interface ChatCompletionDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ToolCallDelta[];
}

/**
 * A fragment of a tool call. The first fragment of a call carries id, type and function.name; later
 * ones carry pieces of `function.arguments` to be concatenated. `index` says which call it belongs to.
 */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}
