import type { ToolCall } from './chat-completion-request';

/** Why a choice ended: a natural stop or stop sequence, max tokens, tool calls, or a safety filter. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** The body of a non-streamed `POST /v1/chat/completions` answer. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  /** Unix time in seconds. */
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: CompletionUsage;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}

export interface ChatCompletionChoice {
  index: number;
  message: AssistantResponseMessage;
  finish_reason: FinishReason;
  logprobs?: ChoiceLogprobs | null;
}

export interface AssistantResponseMessage {
  role: 'assistant';
  /** Null when the model only called tools. */
  content: string | null;
  refusal?: string | null;
  tool_calls?: ToolCall[];
  annotations?: unknown[];
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: PromptTokensDetails | null;
  completion_tokens_details?: CompletionTokensDetails | null;
}

export interface PromptTokensDetails {
  /** Prompt tokens served from the provider's prompt cache (billed at the cached-input price). */
  cached_tokens?: number;
  audio_tokens?: number;
  /**
   * Switchyard extension: prompt tokens written to the provider's prompt cache (Anthropic's
   * `cache_creation_input_tokens`), billed at the cache-write price. OpenAI clients ignore it.
   */
  cache_write_tokens?: number;
  /** Switchyard extension: of cache_write_tokens, those kept for an hour (Anthropic's 1h cache). */
  cache_write_1h_tokens?: number;
}

export interface CompletionTokensDetails {
  reasoning_tokens?: number;
  audio_tokens?: number;
  accepted_prediction_tokens?: number;
  rejected_prediction_tokens?: number;
}

export interface ChoiceLogprobs {
  content: TokenLogprob[] | null;
  refusal?: TokenLogprob[] | null;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] | null }>;
}
