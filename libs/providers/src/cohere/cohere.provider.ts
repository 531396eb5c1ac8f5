import { UpstreamHttp, upstreamServerError, type UpstreamHttpOptions } from '../http/upstream-http';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import type { UpstreamProvider, UpstreamTarget } from '../upstream-provider.port';
import { toCohereRequest } from './cohere-request-translation';
import { isCohereChatResponse, toChatCompletion } from './cohere-response-translation';
import { CohereStreamTranslator } from './cohere-stream-translation';

export type CohereProviderOptions = UpstreamHttpOptions;

/**
 * The adapter for Cohere's Chat API v2. `target.baseUrl` is the API root with its version
 * (`https://api.cohere.com/v2`); requests go to `${baseUrl}/chat` with `Authorization: Bearer <key>`.
 * Requests and answers are translated from and to the OpenAI wire format (see the translators for
 * what maps and what does not; n > 1 is rejected as bad_request). Errors use the shared mapping
 * (Cohere's `{message}` bodies are read by it). No retries here.
 */
export class CohereProvider implements UpstreamProvider {
  private readonly http: UpstreamHttp;

  constructor(options: CohereProviderOptions = {}) {
    this.http = new UpstreamHttp(options);
  }

  async complete(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatCompletion> {
    const body = toCohereRequest(request, {
      model: target.upstreamModel,
      stream: false,
      providerSlug: target.providerSlug,
    });
    const value = await this.http.postJson(target, { path: '/chat', headers: headers(target), body }, signal);
    if (!isCohereChatResponse(value))
      throw upstreamServerError(target, 'the answer is not a Cohere chat response');
    return toChatCompletion(value, { model: target.upstreamModel, providerSlug: target.providerSlug });
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

  /** Translated on the first next(), so a bad request (n > 1) rejects there, like a failed call. */
  private async *startStream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    const body = toCohereRequest(request, {
      model: target.upstreamModel,
      stream: true,
      providerSlug: target.providerSlug,
    });
    const translator = new CohereStreamTranslator(target.providerSlug, target.apiKey, target.upstreamModel);
    yield* this.http.postStream(
      target,
      { path: '/chat', headers: headers(target), body },
      translator,
      signal,
    );
  }
}

function headers(target: UpstreamTarget): Record<string, string> {
  const result: Record<string, string> = { ...target.extraHeaders };
  if (target.apiKey) result['authorization'] = `Bearer ${target.apiKey}`;
  return result;
}
