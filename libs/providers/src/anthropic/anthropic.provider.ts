import { UpstreamHttp, upstreamServerError, type UpstreamHttpOptions } from '../http/upstream-http';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import type { UpstreamProvider, UpstreamTarget } from '../upstream-provider.port';
import { toAnthropicRequest } from './anthropic-request-translation';
import { isAnthropicMessage, toChatCompletion } from './anthropic-response-translation';
import { AnthropicStreamTranslator } from './anthropic-stream-translation';
import { ANTHROPIC_VERSION } from './anthropic-wire';

export type AnthropicProviderOptions = UpstreamHttpOptions;

/**
 * The adapter for Anthropic's Messages API. `target.baseUrl` is the API root with its version
 * (`https://api.anthropic.com/v1`); requests go to `${baseUrl}/messages` with `x-api-key` and
 * `anthropic-version: 2023-06-01` (`target.extraHeaders` may add `anthropic-beta` or override the
 * version). Requests and answers are translated from and to the OpenAI wire format; see the
 * translators for what maps and what does not (n > 1 is rejected as bad_request). 529
 * overloaded_error is a 5xx, so the shared mapping makes it `server` (retryable). No retries here.
 */
export class AnthropicProvider implements UpstreamProvider {
  private readonly http: UpstreamHttp;

  constructor(options: AnthropicProviderOptions = {}) {
    this.http = new UpstreamHttp(options);
  }

  async complete(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatCompletion> {
    const body = toAnthropicRequest(request, {
      model: target.upstreamModel,
      stream: false,
      providerSlug: target.providerSlug,
    });
    const value = await this.http.postJson(
      target,
      { path: '/messages', headers: headers(target), body },
      signal,
    );
    if (!isAnthropicMessage(value))
      throw upstreamServerError(target, 'the answer is not an Anthropic message');
    return toChatCompletion(value);
  }

  stream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    // Translated on the first next(), so a bad request (n > 1) rejects there, like a failed call.
    return this.startStream(target, request, signal);
  }

  /** Closes every pooled connection (on shutdown). */
  close(): Promise<void> {
    return this.http.close();
  }

  private async *startStream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    const body = toAnthropicRequest(request, {
      model: target.upstreamModel,
      stream: true,
      providerSlug: target.providerSlug,
    });
    const translator = new AnthropicStreamTranslator(
      target.providerSlug,
      target.apiKey,
      target.upstreamModel,
    );
    yield* this.http.postStream(
      target,
      { path: '/messages', headers: headers(target), body },
      translator,
      signal,
    );
  }
}

function headers(target: UpstreamTarget): Record<string, string> {
  const result: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION, ...target.extraHeaders };
  if (target.apiKey) result['x-api-key'] = target.apiKey;
  return result;
}
