import { randomUUID } from 'node:crypto';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  CompletionUsage,
  FinishReason,
  ToolCall,
} from '../openai-wire';
import type {
  GeminiCandidate,
  GeminiFinishReason,
  GeminiPart,
  GeminiResponse,
  GeminiUsageMetadata,
} from './gemini-wire';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/**
 * OpenAI's finish_reason for a Gemini one: MAX_TOKENS → length; SAFETY, RECITATION, BLOCKLIST,
 * PROHIBITED_CONTENT, SPII, IMAGE_SAFETY → content_filter; anything else (STOP, OTHER, LANGUAGE,
 * MALFORMED_FUNCTION_CALL, …) → stop, or tool_calls when the candidate called functions.
 */
export function toFinishReason(
  reason: GeminiFinishReason | undefined,
  calledFunctions: boolean,
): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return calledFunctions ? 'tool_calls' : 'stop';
}

/**
 * OpenAI usage from Gemini's: prompt = promptTokenCount, completion = candidatesTokenCount +
 * thoughtsTokenCount (thinking is billed as output; also reported as reasoning_tokens),
 * cached_tokens = cachedContentTokenCount, total = totalTokenCount (or the sum when absent).
 */
export function toUsage(metadata: GeminiUsageMetadata): CompletionUsage {
  const prompt = metadata.promptTokenCount ?? 0;
  const thoughts = metadata.thoughtsTokenCount ?? 0;
  const completion = (metadata.candidatesTokenCount ?? 0) + thoughts;
  const usage: CompletionUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: metadata.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: metadata.cachedContentTokenCount ?? 0 },
  };
  if (metadata.thoughtsTokenCount !== undefined)
    usage.completion_tokens_details = { reasoning_tokens: thoughts };
  return usage;
}

/** The id of the n-th function call of a candidate: Gemini's own id when it sent one, else `call_<n>`. */
export function toolCallId(part: GeminiPart, n: number): string {
  return part.functionCall?.id ?? `call_${n}`;
}

/** Whether a part is shown as content: text that is not a thought summary. */
export function isVisibleText(part: GeminiPart): part is GeminiPart & { text: string } {
  return typeof part.text === 'string' && part.thought !== true;
}

export function isGeminiResponse(value: unknown): value is GeminiResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    Array.isArray(record['candidates']) ||
    (typeof record['promptFeedback'] === 'object' && record['promptFeedback'] !== null)
  );
}

/** A chat.completion id for an answer: from Gemini's responseId when present. */
export function completionId(response: GeminiResponse): string {
  return `chatcmpl-${response.responseId ?? randomUUID().replaceAll('-', '')}`;
}

/**
 * The ChatCompletion for a non-streamed Gemini answer. A prompt blocked by `promptFeedback.blockReason`
 * (no candidates) becomes one choice with empty content and finish_reason content_filter.
 */
export function toChatCompletion(
  response: GeminiResponse,
  model: string,
  now: number = Date.now(),
): ChatCompletion {
  const candidates = response.candidates ?? [];
  const choices: ChatCompletionChoice[] =
    candidates.length === 0
      ? [
          {
            index: 0,
            message: { role: 'assistant', content: '' },
            finish_reason: blockedOrStop(response),
            logprobs: null,
          },
        ]
      : candidates.map((candidate, position) => toChoice(candidate, position));
  choices.sort((a, b) => a.index - b.index);
  const completion: ChatCompletion = {
    id: completionId(response),
    object: 'chat.completion',
    created: Math.floor(now / 1000),
    model: response.modelVersion ?? model,
    choices,
  };
  if (response.usageMetadata) completion.usage = toUsage(response.usageMetadata);
  return completion;
}

function blockedOrStop(response: GeminiResponse): FinishReason {
  return response.promptFeedback?.blockReason ? 'content_filter' : 'stop';
}

function toChoice(candidate: GeminiCandidate, position: number): ChatCompletionChoice {
  const parts = candidate.content?.parts ?? [];
  const text = parts
    .filter(isVisibleText)
    .map((part) => part.text)
    .join('');
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    if (!part.functionCall) continue;
    toolCalls.push({
      id: toolCallId(part, toolCalls.length),
      type: 'function',
      function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
    });
  }
  const choice: ChatCompletionChoice = {
    index: candidate.index ?? position,
    message: { role: 'assistant', content: toolCalls.length > 0 && text.length === 0 ? null : text },
    finish_reason: toFinishReason(candidate.finishReason, toolCalls.length > 0),
    logprobs: null,
  };
  if (toolCalls.length > 0) choice.message.tool_calls = toolCalls;
  return choice;
}
