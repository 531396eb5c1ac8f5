import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import type { UpstreamProvider, UpstreamTarget } from '../upstream-provider.port';
import {
  UpstreamHttp,
  upstreamServerError,
  type StreamTranslator,
  type UpstreamHttpOptions,
} from './upstream-http';

/** What makes one vendor's API different: where, which headers, and the translation both ways. */
export interface WireFormat<TBody, TAnswer> {
  /** Appended to the target's base URL (may carry a query, e.g. `?alt=sse`). */
  path(target: UpstreamTarget, stream: boolean): string;
  /** Auth and version headers; the key goes here, never into the URL. */
  headers(target: UpstreamTarget): Record<string, string>;
  /** OpenAI request → vendor body; throws UpstreamError bad_request for what the vendor cannot take. */
  body(request: ChatCompletionRequest, target: UpstreamTarget, stream: boolean): TBody;
  /** Checks a parsed 2xx answer; `answerName` says what was expected when it is not. */
  isAnswer(value: unknown): value is TAnswer;
  readonly answerName: string;
  toCompletion(answer: TAnswer, target: UpstreamTarget): ChatCompletion;
  streamTranslator(target: UpstreamTarget): StreamTranslator;
}

/**
 * An UpstreamProvider made of a wire format and the shared transport. No retries here: fallback is
 * the router's job.
 */
export class WireFormatProvider<TBody, TAnswer> implements UpstreamProvider {
  private readonly http: UpstreamHttp;

  constructor(
    private readonly format: WireFormat<TBody, TAnswer>,
    options: UpstreamHttpOptions = {},
  ) {
    this.http = new UpstreamHttp(options);
  }

  async complete(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatCompletion> {
    const post = {
      path: this.format.path(target, false),
      headers: this.format.headers(target),
      body: this.format.body(request, target, false),
    };
    const value = await this.http.postJson(target, post, signal);
    if (!this.format.isAnswer(value))
      throw upstreamServerError(target, `the answer is not ${this.format.answerName}`);
    return this.format.toCompletion(value, target);
  }

  /** The request is translated and sent on the first next(), so any failure rejects there. */
  async *stream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    const post = {
      path: this.format.path(target, true),
      headers: this.format.headers(target),
      body: this.format.body(request, target, true),
    };
    yield* this.http.postStream(target, post, this.format.streamTranslator(target), signal);
  }

  /** Closes every pooled connection (on shutdown). */
  close(): Promise<void> {
    return this.http.close();
  }
}
