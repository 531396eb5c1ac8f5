import { UpstreamHttp, upstreamServerError, type UpstreamHttpOptions } from '../http/upstream-http';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import type { UpstreamProvider, UpstreamTarget } from '../upstream-provider.port';
import { geminiErrorFromStatus } from './gemini-error-mapping';
import { toGeminiRequest } from './gemini-request-translation';
import { isGeminiResponse, toChatCompletion } from './gemini-response-translation';
import { GeminiStreamTranslator } from './gemini-stream-translation';

export type GeminiProviderOptions = Omit<UpstreamHttpOptions, 'errorFromStatus'>;

/**
 * The adapter for the Google Gemini API (AI Studio keys). `target.baseUrl` is the API root with its
 * version (`https://generativelanguage.googleapis.com/v1beta`); requests go to
 * `${baseUrl}/models/${upstreamModel}:generateContent` and `:streamGenerateContent?alt=sse` with the
 * key in the `x-goog-api-key` header (never in the URL: a `key` parameter on the base URL is dropped).
 * Requests and answers are translated from and to the OpenAI wire format (see the translators);
 * Gemini's error statuses (RESOURCE_EXHAUSTED, API_KEY_INVALID …) have their own mapping. No retries here.
 */
export class GeminiProvider implements UpstreamProvider {
  private readonly http: UpstreamHttp;

  constructor(options: GeminiProviderOptions = {}) {
    this.http = new UpstreamHttp({ ...options, errorFromStatus: geminiErrorFromStatus });
  }

  async complete(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatCompletion> {
    const body = toGeminiRequest(request, target.providerSlug);
    const path = `/${modelPath(target.upstreamModel)}:generateContent`;
    const value = await this.http.postJson(target, { path, headers: headers(target), body }, signal);
    if (!isGeminiResponse(value))
      throw upstreamServerError(target, 'the answer is not a GenerateContentResponse');
    return toChatCompletion(value, target.upstreamModel);
  }

  stream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    return this.startStream(target, request, signal);
  }

  /** Closes every pooled connection (on shutdown). */
  close(): Promise<void> {
    return this.http.close();
  }

  /** Translated on the first next(), so a request Gemini cannot take rejects there, like a failed call. */
  private async *startStream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    const body = toGeminiRequest(request, target.providerSlug);
    const path = `/${modelPath(target.upstreamModel)}:streamGenerateContent?alt=sse`;
    const gemini = new GeminiStreamTranslator(target.providerSlug, target.apiKey, target.upstreamModel);
    const translator = {
      translate: (data: string) => gemini.translate(data),
      get complete(): boolean {
        return gemini.finished;
      },
      end: () => gemini.end(),
    };
    yield* this.http.postStream(target, { path, headers: headers(target), body }, translator, signal);
  }
}

/** `models/<id>` for a bare id (or one already prefixed), `tunedModels/<id>` kept as given. */
function modelPath(model: string): string {
  const path = model.includes('/') ? model : `models/${model}`;
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function headers(target: UpstreamTarget): Record<string, string> {
  const result: Record<string, string> = { ...target.extraHeaders };
  if (target.apiKey) result['x-goog-api-key'] = target.apiKey;
  return result;
}
