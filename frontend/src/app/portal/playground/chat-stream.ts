import type { PowerLevel } from '../../core/api/api';
import { ApiError, toApiError } from '../../core/http/api-error';

/** What the playground sends: one user message, streamed, with usage (and its cost) on the last chunk. */
export interface ChatRequest {
  /** A model id (`provider/model`) or an alias (`auto`, `eco`, `balanced`, `precision`). */
  readonly model: string;
  readonly message: string;
  /** Sent as X-Power-Level; null: the account's own level. */
  readonly powerLevel: PowerLevel | null;
}

/** The x-switchyard-* headers of a streamed answer (sent before the first chunk). */
export interface ChatAnswerMeta {
  readonly requestId: string;
  readonly provider: string | null;
  readonly model: string | null;
  /** How many upstream attempts it took (1: no fallback). */
  readonly attempts: number | null;
  /** `used` (your own provider key paid) or `bypassed` (it was refused; the platform's answered). */
  readonly byok: string | null;
  /** The spending cap was passed in soft mode. */
  readonly capWarning: string | null;
  /** The model is deprecated: its replacement, or `true`. */
  readonly deprecated: string | null;
  /** Body fields the answering provider does not know (ignored). */
  readonly ignoredParams: string | null;
}

/** The last chunk's usage and the gateway's `switchyard` extension (integer micro-dollars as strings). */
export interface ChatAnswerUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  readonly costMicros: string | null;
  readonly chargeMicros: string | null;
}

export type ChatStreamEvent =
  | { readonly kind: 'meta'; readonly meta: ChatAnswerMeta }
  | { readonly kind: 'delta'; readonly text: string }
  | { readonly kind: 'usage'; readonly usage: ChatAnswerUsage }
  | { readonly kind: 'done' };

/**
 * Splits a text/event-stream into the `data` of each event. Feed it decoded text as it arrives;
 * partial events wait for the rest. Comments (`:`) and other fields are skipped.
 */
export class SseDecoder {
  private buffer = '';

  push(text: string): string[] {
    this.buffer += text;
    const events: string[] = [];
    for (;;) {
      const end = /\r?\n\r?\n/.exec(this.buffer);
      if (!end) break;
      const block = this.buffer.slice(0, end.index);
      this.buffer = this.buffer.slice(end.index + end[0].length);
      const data = block
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
      if (data.length > 0) events.push(data.join('\n'));
    }
    return events;
  }

  /** What is left when the stream ends (an event without its blank line). */
  rest(): string | null {
    const tail = this.buffer.trim();
    this.buffer = '';
    if (!tail.startsWith('data:')) return null;
    return tail.slice(tail.startsWith('data: ') ? 6 : 5);
  }
}

const header = (headers: Headers, name: string): string | null => headers.get(name) || null;

export function metaOf(headers: Headers): ChatAnswerMeta {
  const attempts = Number(headers.get('x-switchyard-attempts'));
  return {
    requestId: headers.get('x-switchyard-request-id') ?? '',
    provider: header(headers, 'x-switchyard-provider'),
    model: header(headers, 'x-switchyard-model'),
    attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : null,
    byok: header(headers, 'x-switchyard-byok'),
    capWarning: header(headers, 'x-switchyard-cap-warning'),
    deprecated: header(headers, 'x-switchyard-deprecated'),
    ignoredParams: header(headers, 'x-switchyard-ignored-params'),
  };
}

interface ChunkShape {
  readonly choices?: ReadonlyArray<{ readonly delta?: { readonly content?: unknown } }>;
  readonly usage?: {
    readonly prompt_tokens?: unknown;
    readonly completion_tokens?: unknown;
    readonly total_tokens?: unknown;
  } | null;
  readonly switchyard?: { readonly cost_micros?: unknown; readonly charge_micros?: unknown };
  readonly error?: unknown;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const micros = (v: unknown): string | null => (typeof v === 'string' && /^-?\d+$/.test(v) ? v : null);

/** The events one SSE `data` payload carries; an `error` payload (the stream broke) throws. */
export function eventsOf(data: string, requestId: string | null): ChatStreamEvent[] {
  if (data === '[DONE]') return [{ kind: 'done' }];
  let chunk: ChunkShape;
  try {
    chunk = JSON.parse(data) as ChunkShape;
  } catch {
    return []; // not JSON: nothing this page can show
  }
  if (chunk.error) throw toApiError(502, chunk, requestId);
  const events: ChatStreamEvent[] = [];
  const text = (chunk.choices ?? [])
    .map((c) => (typeof c.delta?.content === 'string' ? c.delta.content : ''))
    .join('');
  if (text) events.push({ kind: 'delta', text });
  if (chunk.usage) {
    const promptTokens = count(chunk.usage.prompt_tokens);
    const completionTokens = count(chunk.usage.completion_tokens);
    events.push({
      kind: 'usage',
      usage: {
        promptTokens,
        completionTokens,
        totalTokens: count(chunk.usage.total_tokens) || promptTokens + completionTokens,
        costMicros: micros(chunk.switchyard?.cost_micros),
        chargeMicros: micros(chunk.switchyard?.charge_micros),
      },
    });
  }
  return events;
}

export const requestBody = (request: ChatRequest): Record<string, unknown> => ({
  model: request.model,
  messages: [{ role: 'user', content: request.message }],
  stream: true,
  stream_options: { include_usage: true },
});

/**
 * POST /v1/chat/completions with `stream: true`, read with fetch and a ReadableStream (HttpClient
 * buffers), as events. An error answer (OpenAI's shape) or an error event mid-stream throws an
 * ApiError; a stream that ends before `[DONE]` too. Aborting the signal throws the fetch's AbortError.
 */
export async function* streamChat(
  request: ChatRequest,
  bearer: string,
  signal: AbortSignal,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
): AsyncGenerator<ChatStreamEvent> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    authorization: `Bearer ${bearer}`,
  };
  if (request.powerLevel) headers['x-power-level'] = request.powerLevel;
  let response: Response;
  try {
    response = await fetchFn('/v1/chat/completions', {
      method: 'POST',
      headers,
      body: JSON.stringify(requestBody(request)),
      signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    if (signal.aborted) throw e;
    throw toApiError(0, null, null);
  }
  const requestId = response.headers.get('x-switchyard-request-id');
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw toApiError(response.status, body, requestId);
  }
  yield { kind: 'meta', meta: metaOf(response.headers) };
  if (!response.body) throw incomplete(requestId);
  const reader = response.body.getReader();
  const text = new TextDecoder();
  const sse = new SseDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      const payloads = done
        ? [sse.push(text.decode()), [sse.rest()]].flat().filter((p): p is string => p !== null)
        : sse.push(text.decode(value, { stream: true }));
      for (const data of payloads) {
        for (const event of eventsOf(data, requestId)) {
          if (event.kind === 'done') {
            // The gateway ends the response right after [DONE]: read to its end, so nothing is cut off.
            if (!done) while (!(await reader.read()).done);
            yield event;
            return;
          }
          yield event;
        }
      }
      if (done) throw incomplete(requestId);
    }
  } catch (e) {
    if (signal.aborted || e instanceof ApiError) throw e;
    throw incomplete(requestId);
  } finally {
    // Failed or abandoned by the reader: nothing more is read (after [DONE] the body is already read).
    reader.cancel().catch(() => undefined);
  }
}

const incomplete = (requestId: string | null): ApiError =>
  new ApiError(
    502,
    'stream_incomplete',
    'The answer ended early',
    'The answer stopped before it was complete. Send the message again.',
    requestId,
  );
