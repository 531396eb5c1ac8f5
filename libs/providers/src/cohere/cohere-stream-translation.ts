import type { ChatCompletionChunk, ChatCompletionDelta, FinishReason } from '../openai-wire';
import { safeUpstreamMessage } from '../openai-compatible/upstream-error-mapping';
import { UpstreamError } from '../upstream-error';
import { toCompletionUsage, toFinishReason } from './cohere-response-translation';
import type { CohereStreamEvent } from './cohere-wire';

/**
 * Turns the `data` of Cohere v2 stream events into OpenAI chunks, one choice (index 0):
 *
 * - `message-start` → the first chunk, `{role:'assistant', content:''}` (with Cohere's id as the
 *   chunk id). If another event comes first, the role rides on the first chunk produced.
 * - `content-start` / `content-delta` → content deltas (`delta.message.content.text`; empty text and
 *   thinking parts are skipped).
 * - `tool-call-start` → `{index, id, type:'function', function:{name, arguments:''}}`, indexes
 *   counted from 0 in the order calls start; `tool-call-delta` → argument fragments of that call
 *   (matched by Cohere's event `index`, else the last call started).
 * - `message-end` → one chunk with the finish_reason, then a usage chunk (`choices: []`); Cohere
 *   always reports usage, so the chunk is always there when it does. `ERROR` / `TIMEOUT` throw.
 * - `tool-plan-delta`, `*-end`, `citation-*` and unknown types produce nothing.
 */
export class CohereStreamTranslator {
  /** `message-end` was received: the stream ended normally. */
  complete = false;
  private id = 'chatcmpl-cohere';
  private readonly created: number;
  private roleSent = false;
  private readonly toolIndexes = new Map<number, number>();
  private nextToolIndex = 0;

  constructor(
    private readonly providerSlug: string,
    private readonly apiKey: string | undefined,
    private readonly model: string,
    now: number = Date.now(),
  ) {
    this.created = Math.floor(now / 1000);
  }

  /** The chunks for one event's data (often none). Throws a `server` UpstreamError for unusable data. */
  translate(data: string): ChatCompletionChunk[] {
    if (this.complete || data.length === 0 || data === '[DONE]') return [];
    let event: CohereStreamEvent;
    try {
      event = JSON.parse(data) as CohereStreamEvent;
    } catch {
      throw this.error('the stream carried an event that is not JSON');
    }
    if (typeof event !== 'object' || event === null)
      throw this.error('the stream carried an event that is not an object');
    const message = event.delta?.message;
    switch (event.type) {
      case 'message-start':
        if (typeof event.id === 'string' && event.id.length > 0) this.id = event.id;
        return this.roleSent ? [] : [this.chunk({ content: '' })];
      case 'content-start':
      case 'content-delta': {
        const content = message?.content;
        if (content?.type === 'thinking' || typeof content?.text !== 'string' || content.text.length === 0)
          return [];
        return [this.chunk({ content: content.text })];
      }
      case 'tool-call-start': {
        const call = message?.tool_calls;
        const index = this.nextToolIndex;
        this.nextToolIndex += 1;
        if (typeof event.index === 'number') this.toolIndexes.set(event.index, index);
        return [
          this.chunk({
            tool_calls: [
              {
                index,
                id: call?.id ?? `call_${index}`,
                type: 'function',
                function: { name: call?.function?.name ?? '', arguments: call?.function?.arguments ?? '' },
              },
            ],
          }),
        ];
      }
      case 'tool-call-delta': {
        const fragment = message?.tool_calls?.function?.arguments;
        if (typeof fragment !== 'string' || fragment.length === 0 || this.nextToolIndex === 0) return [];
        const index =
          (typeof event.index === 'number' ? this.toolIndexes.get(event.index) : undefined) ??
          this.nextToolIndex - 1;
        return [this.chunk({ tool_calls: [{ index, function: { arguments: fragment } }] })];
      }
      case 'message-end': {
        const delta = event.delta;
        const detail = delta?.error ? safeUpstreamMessage(delta.error, this.apiKey) : undefined;
        const finish = toFinishReason(delta?.finish_reason, this.providerSlug, detail);
        this.complete = true;
        const chunks = [this.chunk({}, finish)];
        const usage = toCompletionUsage(delta?.usage);
        if (usage) chunks.push({ ...this.base(), choices: [], usage });
        return chunks;
      }
      default:
        return [];
    }
  }

  private chunk(delta: ChatCompletionDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
    if (!this.roleSent) {
      this.roleSent = true;
      delta = { role: 'assistant', ...delta };
    }
    return { ...this.base(), choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] };
  }

  private base(): Omit<ChatCompletionChunk, 'choices'> {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      usage: null,
    };
  }

  private error(message: string): UpstreamError {
    return new UpstreamError({
      kind: 'server',
      providerSlug: this.providerSlug,
      upstreamMessage: safeUpstreamMessage(message, this.apiKey),
    });
  }
}
