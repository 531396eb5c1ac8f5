import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import {
  MAX_PROBED_MODELS,
  type ProbeResult,
  type ProbeTarget,
  type UpstreamProvider,
  type UpstreamTarget,
} from '../upstream-provider.port';
import {
  UpstreamHttp,
  upstreamServerError,
  type StreamTranslator,
  type UpstreamGet,
  type UpstreamHttpOptions,
} from './upstream-http';

/** What makes one vendor's API different: where, which headers, and the translation both ways. */
export interface WireFormat<TBody, TAnswer> {
  /**
   * The OpenAI request parameters (and vendor extensions) this format reads; `body` never sends any
   * other, and the gateway reports the rest to the client as ignored.
   */
  readonly knownParams: ReadonlySet<string>;
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
  /**
   * The vendor's free model-listing endpoint (a GET), appended to the target's base URL like `path`;
   * it should ask for up to MAX_PROBED_MODELS models in one page where the vendor pages.
   */
  probePath(target: ProbeTarget): string;
  /** Rewrites the base URL's path for the listing when it lives outside the base's version. */
  probeBasePath?(pathname: string): string;
  /** Auth and version headers for the listing (as `headers`, without a model). */
  probeHeaders(target: ProbeTarget): Record<string, string>;
  /** The model ids in a parsed 2xx listing, in the vendor's order; undefined when it is no listing. */
  listedModels(answer: unknown): string[] | undefined;
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

  get knownParams(): ReadonlySet<string> {
    return this.format.knownParams;
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

  /**
   * Lists the provider's models with the key: a request that costs no tokens, for connection tests
   * and active health checks. Failures are the same UpstreamErrors as for `complete`.
   */
  async probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> {
    const get: UpstreamGet = {
      path: this.format.probePath(target),
      headers: this.format.probeHeaders(target),
      basePath: this.format.probeBasePath?.bind(this.format),
    };
    const started = performance.now();
    const answer = await this.http.getJson(target, get, signal);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const models = this.format.listedModels(answer.body);
    if (!models) throw upstreamServerError(target, 'the answer is not a model list');
    return { latencyMs, status: answer.status, models: models.slice(0, MAX_PROBED_MODELS) };
  }

  /** Closes every pooled connection (on shutdown). */
  close(): Promise<void> {
    return this.http.close();
  }
}
