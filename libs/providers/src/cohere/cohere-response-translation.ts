import type { ChatCompletion, CompletionUsage, FinishReason, ToolCall } from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import type { CohereChatResponse, CohereUsage } from './cohere-wire';

export interface CohereResponseContext {
  /** The model reported to the client (the target's upstream model; Cohere's answer does not name it). */
  readonly model: string;
  readonly providerSlug: string;
}

/** Whether a parsed body looks like a Cohere v2 chat response. */
export function isCohereChatResponse(value: unknown): value is CohereChatResponse {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['message'] === 'object' && record['message'] !== null && 'finish_reason' in record;
}

/**
 * The OpenAI finish_reason for Cohere's: COMPLETE/STOP_SEQUENCE → stop, MAX_TOKENS → length,
 * TOOL_CALL → tool_calls. ERROR becomes a `server` UpstreamError and TIMEOUT a `timeout` one
 * (`detail` is Cohere's error text, already redacted by the caller). Unknown reasons read as stop.
 */
export function toFinishReason(
  reason: string | undefined,
  providerSlug: string,
  detail?: string,
): FinishReason {
  switch (reason) {
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    case 'ERROR':
    case 'TIMEOUT':
      throw new UpstreamError({
        kind: reason === 'ERROR' ? 'server' : 'timeout',
        providerSlug,
        upstreamMessage: `the generation ended with finish_reason ${reason}${detail ? `: ${detail}` : ''}`,
      });
    default:
      return 'stop';
  }
}

/**
 * OpenAI usage from Cohere's `usage.billed_units` (what Cohere charges for), falling back to
 * `usage.tokens` (every token processed, including Cohere's own prompt template); undefined when
 * neither. The gateway prices usage, so it must count what the provider bills.
 */
export function toCompletionUsage(usage: CohereUsage | undefined): CompletionUsage | undefined {
  const counts = usage?.billed_units ?? usage?.tokens;
  if (!counts) return undefined;
  const prompt = counts.input_tokens ?? 0;
  const completion = counts.output_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * A Cohere chat response as an OpenAI ChatCompletion: text parts joined (thinking parts skipped),
 * tool calls as they are (missing arguments read as `{}`), content null when the model only called
 * tools. `tool_plan` has no OpenAI field and is dropped.
 */
export function toChatCompletion(
  response: CohereChatResponse,
  context: CohereResponseContext,
  now: number = Date.now(),
): ChatCompletion {
  const finishReason = toFinishReason(response.finish_reason, context.providerSlug);
  const text = (response.message.content ?? [])
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('');
  const toolCalls: ToolCall[] = (response.message.tool_calls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index}`,
    type: 'function',
    function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '{}' },
  }));
  const completion: ChatCompletion = {
    id: response.id,
    object: 'chat.completion',
    created: Math.floor(now / 1000),
    model: context.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text.length === 0 && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
  };
  const usage = toCompletionUsage(response.usage);
  if (usage) completion.usage = usage;
  return completion;
}
