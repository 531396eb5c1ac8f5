import type { ChatCompletionChunk } from '../openai-wire';
import { UpstreamError } from '../upstream-error';
import { safeUpstreamMessage } from './upstream-error-mapping';

/**
 * Turns the `data` of SSE events into chunks and tracks how the stream ends: `[DONE]`, or at least
 * one `finish_reason` (for servers that omit `[DONE]`). Data after `[DONE]` is ignored.
 */
export class ChatChunkDecoder {
  /** `data: [DONE]` was received. */
  done = false;
  /** Some choice reported a finish_reason. */
  finished = false;

  constructor(
    private readonly providerSlug: string,
    private readonly apiKey: string | undefined,
  ) {}

  /** The chunk in this event's data, or undefined for `[DONE]`, blank data and anything after `[DONE]`. */
  decode(data: string): ChatCompletionChunk | undefined {
    if (this.done || data.length === 0) return undefined;
    if (data === '[DONE]') {
      this.done = true;
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      throw this.error('the stream carried an event that is not JSON');
    }
    if (typeof value !== 'object' || value === null)
      throw this.error('the stream carried an event that is not an object');
    const record = value as Record<string, unknown>;
    if (record['error'] !== undefined && record['error'] !== null) {
      throw this.error(`the upstream sent an error event: ${errorText(record['error'])}`);
    }
    if (!Array.isArray(record['choices'])) record['choices'] = [];
    const chunk = value as ChatCompletionChunk;
    if (!this.finished) {
      for (const choice of chunk.choices) {
        if (choice.finish_reason) this.finished = true;
      }
    }
    return chunk;
  }

  /** A normal end: `[DONE]`, or a finish_reason followed by the end of the body. */
  get complete(): boolean {
    return this.done || this.finished;
  }

  private error(message: string): UpstreamError {
    return new UpstreamError({
      kind: 'server',
      providerSlug: this.providerSlug,
      upstreamMessage: safeUpstreamMessage(message, this.apiKey),
    });
  }
}

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as Record<string, unknown>)['message'];
    if (typeof message === 'string') return message;
  }
  return 'no message';
}
