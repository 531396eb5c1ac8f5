import type { ChatCompletionChunk, ChatCompletionDelta, FinishReason } from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import { safeUpstreamMessage } from '../openai-compatible/upstream-error-mapping';
import {
  kindForAnthropicErrorType,
  toCompletionUsage,
  toFinishReason,
} from './anthropic-response-translation';
import type { AnthropicUsage } from './anthropic-wire';

const NO_CHUNKS: readonly ChatCompletionChunk[] = Object.freeze([]);

/**
 * Turns the `data` of Anthropic stream events into OpenAI chunks, in order:
 * - the first chunk has `delta: {role: 'assistant', content: ''}` (sent on message_start);
 * - text_delta → `delta.content`;
 * - a tool_use block start → `delta.tool_calls[{index, id, type, function: {name, arguments: ''}}]`,
 *   its input_json_delta fragments → `delta.tool_calls[{index, function: {arguments}}]`
 *   (`index` counts tool calls, not Anthropic content blocks);
 * - message_stop → one chunk with the finish_reason (from message_delta's stop_reason), then a chunk
 *   with `choices: []` and the usage (input and cache tokens from message_start, output tokens from
 *   the last message_delta). Every other chunk has `usage: null`, as OpenAI does with include_usage.
 * ping, content_block_stop, thinking deltas and unknown events give no chunk. An `error` event throws
 * an UpstreamError of the error's kind (the caller turns it into stream_interrupted after chunks).
 */
export class AnthropicStreamTranslator {
  /** message_stop was received: the stream ended normally. */
  complete = false;
  private started = false;
  private id = '';
  private model: string;
  private readonly created: number;
  private usage: Partial<AnthropicUsage> = {};
  private finishReason: FinishReason = 'stop';
  /** Anthropic content block index → OpenAI tool call index. */
  private readonly toolIndexes = new Map<number, number>();

  constructor(
    private readonly providerSlug: string,
    private readonly apiKey: string | undefined,
    model: string,
    created: number = Math.floor(Date.now() / 1000),
  ) {
    this.model = model;
    this.created = created;
  }

  /** The chunks for one event's data (an empty list for events that carry nothing for the client). */
  translate(data: string): readonly ChatCompletionChunk[] {
    if (this.complete || data.length === 0) return NO_CHUNKS;
    const event = this.parse(data);
    switch (event['type']) {
      case 'message_start':
        return this.onMessageStart(record(event['message']));
      case 'content_block_start':
        return this.onBlockStart(Number(event['index']), record(event['content_block']));
      case 'content_block_delta':
        return this.onBlockDelta(Number(event['index']), record(event['delta']));
      case 'message_delta':
        this.onMessageDelta(record(event['delta']), record(event['usage']));
        return NO_CHUNKS;
      case 'message_stop':
        return this.onMessageStop();
      case 'error':
        throw this.errorEvent(record(event['error']));
      default:
        return NO_CHUNKS; // ping, content_block_stop, anything new
    }
  }

  private onMessageStart(message: Record<string, unknown>): ChatCompletionChunk[] {
    if (typeof message['id'] === 'string') this.id = message['id'];
    if (typeof message['model'] === 'string') this.model = message['model'];
    this.usage = { ...this.usage, ...(record(message['usage']) as Partial<AnthropicUsage>) };
    return this.withStart([]);
  }

  private onBlockStart(index: number, block: Record<string, unknown>): ChatCompletionChunk[] {
    if (block['type'] === 'text') {
      const text = typeof block['text'] === 'string' ? block['text'] : '';
      return this.withStart(text.length > 0 ? [this.chunk({ content: text })] : []);
    }
    if (block['type'] !== 'tool_use') return this.withStart([]);
    const toolIndex = this.toolIndexes.size;
    this.toolIndexes.set(index, toolIndex);
    return this.withStart([
      this.chunk({
        tool_calls: [
          {
            index: toolIndex,
            id: String(block['id'] ?? ''),
            type: 'function',
            function: { name: String(block['name'] ?? ''), arguments: '' },
          },
        ],
      }),
    ]);
  }

  private onBlockDelta(index: number, delta: Record<string, unknown>): ChatCompletionChunk[] {
    if (delta['type'] === 'text_delta' && typeof delta['text'] === 'string' && delta['text'].length > 0) {
      return this.withStart([this.chunk({ content: delta['text'] })]);
    }
    const toolIndex = this.toolIndexes.get(index);
    if (
      delta['type'] === 'input_json_delta' &&
      toolIndex !== undefined &&
      typeof delta['partial_json'] === 'string' &&
      delta['partial_json'].length > 0
    ) {
      return this.withStart([
        this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta['partial_json'] } }] }),
      ]);
    }
    return this.withStart([]);
  }

  private onMessageDelta(delta: Record<string, unknown>, usage: Record<string, unknown>): void {
    if (typeof delta['stop_reason'] === 'string') {
      this.finishReason = toFinishReason(delta['stop_reason'] as Parameters<typeof toFinishReason>[0]);
    }
    // message_delta's usage is cumulative; newer API versions may repeat input and cache counts in it.
    for (const [key, value] of Object.entries(usage)) {
      if (typeof value === 'number') (this.usage as Record<string, number>)[key] = value;
    }
  }

  private onMessageStop(): ChatCompletionChunk[] {
    this.complete = true;
    return this.withStart([
      {
        ...this.base(),
        choices: [{ index: 0, delta: {}, finish_reason: this.finishReason, logprobs: null }],
        usage: null,
      },
      { ...this.base(), choices: [], usage: toCompletionUsage(this.usage) },
    ]);
  }

  /** Puts the role chunk first if this is the first output of the stream. */
  private withStart(chunks: ChatCompletionChunk[]): ChatCompletionChunk[] {
    if (this.started) return chunks;
    this.started = true;
    return [this.chunk({ role: 'assistant', content: '' }), ...chunks];
  }

  private chunk(delta: ChatCompletionDelta): ChatCompletionChunk {
    return {
      ...this.base(),
      choices: [{ index: 0, delta, finish_reason: null, logprobs: null }],
      usage: null,
    };
  }

  private base(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }

  private parse(data: string): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      throw this.error('server', 'the stream carried an event that is not JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.error('server', 'the stream carried an event that is not an object');
    }
    return value as Record<string, unknown>;
  }

  private errorEvent(error: Record<string, unknown>): UpstreamError {
    const type = typeof error['type'] === 'string' ? error['type'] : undefined;
    const message = typeof error['message'] === 'string' ? error['message'] : 'no message';
    return this.error(
      kindForAnthropicErrorType(type),
      `the upstream sent an error event: ${type ?? 'error'}: ${message}`,
    );
  }

  private error(kind: UpstreamError['kind'], message: string): UpstreamError {
    return new UpstreamError({
      kind,
      providerSlug: this.providerSlug,
      upstreamMessage: safeUpstreamMessage(message, this.apiKey),
    });
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
