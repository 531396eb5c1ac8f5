import type { ChatCompletionChunk, ChatCompletionDelta, FinishReason, ToolCallDelta } from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import { redactGoogleKeys } from './gemini-error-mapping';
import {
  completionId,
  isGeminiResponse,
  isVisibleText,
  toFinishReason,
  toolCallId,
  toUsage,
} from './gemini-response-translation';
import type { GeminiResponse, GeminiUsageMetadata } from './gemini-wire';

interface CandidateState {
  toolCalls: number;
  finished: boolean;
}

/**
 * Turns the `data` of `streamGenerateContent?alt=sse` events (each a GenerateContentResponse with the
 * new parts) into OpenAI chunks. Per choice: a first chunk with `role: 'assistant'` and `content: ''`,
 * one chunk per event with the new text, one with the event's function calls (Gemini sends each call
 * whole, so a call is one tool_call delta with id, name and all its arguments), and exactly one chunk
 * with the finish_reason. `end()` adds the usage chunk (`choices: []`) from the last usageMetadata.
 * All chunks share the id, created and model of the first event.
 */
export class GeminiStreamTranslator {
  private readonly candidates = new Map<number, CandidateState>();
  private id: string | undefined;
  private model: string;
  private readonly created: number;
  private usage: GeminiUsageMetadata | undefined;
  private anyFinished = false;

  constructor(
    private readonly providerSlug: string,
    private readonly apiKey: string | undefined,
    model: string,
    now: number = Date.now(),
  ) {
    this.model = model;
    this.created = Math.floor(now / 1000);
  }

  /** Some choice reported a finish reason (or the prompt was blocked): a clean end of the body is normal. */
  get finished(): boolean {
    return this.anyFinished;
  }

  /** The chunks for one event's data; throws a `server` UpstreamError for an error event or bad JSON. */
  translate(data: string): ChatCompletionChunk[] {
    if (data.trim().length === 0) return [];
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      throw this.error('the stream carried an event that is not JSON');
    }
    if (typeof value === 'object' && value !== null && 'error' in value) {
      const error = (value as { error: unknown }).error;
      const message =
        typeof error === 'object' &&
        error !== null &&
        typeof (error as { message?: unknown }).message === 'string'
          ? (error as { message: string }).message
          : 'no message';
      throw this.error(`the upstream sent an error event: ${message}`);
    }
    if (
      !isGeminiResponse(value) &&
      !(typeof value === 'object' && value !== null && 'usageMetadata' in value)
    ) {
      throw this.error('the stream carried an event that is not a GenerateContentResponse');
    }
    const response = value as GeminiResponse;
    if (this.id === undefined) {
      this.id = completionId(response);
      if (response.modelVersion) this.model = response.modelVersion;
    }
    if (response.usageMetadata) this.usage = response.usageMetadata;

    const chunks: ChatCompletionChunk[] = [];
    const candidates = response.candidates ?? [];
    if (candidates.length === 0 && response.promptFeedback?.blockReason) {
      const state = this.state(0, chunks);
      if (!state.finished) {
        state.finished = true;
        this.anyFinished = true;
        chunks.push(this.chunk(0, {}, 'content_filter'));
      }
      return chunks;
    }
    candidates.forEach((candidate, position) => {
      const index = candidate.index ?? position;
      const state = this.state(index, chunks);
      if (state.finished) return;
      const parts = candidate.content?.parts ?? [];
      const text = parts
        .filter(isVisibleText)
        .map((part) => part.text)
        .join('');
      if (text.length > 0) chunks.push(this.chunk(index, { content: text }, null));
      const calls: ToolCallDelta[] = [];
      for (const part of parts) {
        if (!part.functionCall) continue;
        calls.push({
          index: state.toolCalls,
          id: toolCallId(part, state.toolCalls),
          type: 'function',
          function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
        });
        state.toolCalls += 1;
      }
      if (calls.length > 0) chunks.push(this.chunk(index, { tool_calls: calls }, null));
      if (candidate.finishReason !== undefined && candidate.finishReason !== 'FINISH_REASON_UNSPECIFIED') {
        state.finished = true;
        this.anyFinished = true;
        chunks.push(this.chunk(index, {}, toFinishReason(candidate.finishReason, state.toolCalls > 0)));
      }
    });
    return chunks;
  }

  /**
   * The chunks after a clean end of the body (only when `finished`): a finish_reason for any choice
   * that had none yet, then the usage chunk when Gemini reported usage.
   */
  end(): ChatCompletionChunk[] {
    const chunks: ChatCompletionChunk[] = [];
    for (const [index, state] of this.candidates) {
      if (state.finished) continue;
      state.finished = true;
      chunks.push(this.chunk(index, {}, state.toolCalls > 0 ? 'tool_calls' : 'stop'));
    }
    if (this.usage) {
      chunks.push({ ...this.base(), choices: [], usage: toUsage(this.usage) });
    }
    return chunks;
  }

  private state(index: number, chunks: ChatCompletionChunk[]): CandidateState {
    let state = this.candidates.get(index);
    if (!state) {
      state = { toolCalls: 0, finished: false };
      this.candidates.set(index, state);
      chunks.push(this.chunk(index, { role: 'assistant', content: '' }, null));
    }
    return state;
  }

  private base(): Omit<ChatCompletionChunk, 'choices'> {
    return {
      id: this.id ?? 'chatcmpl-gemini',
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      usage: null,
    };
  }

  private chunk(index: number, delta: ChatCompletionDelta, finish: FinishReason | null): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index, delta, finish_reason: finish, logprobs: null }] };
  }

  private error(message: string): UpstreamError {
    return new UpstreamError({
      kind: 'server',
      providerSlug: this.providerSlug,
      upstreamMessage: redactGoogleKeys(message, this.apiKey),
    });
  }
}
