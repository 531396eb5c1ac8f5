import { UpstreamHttp, upstreamServerError, type UpstreamHttpOptions } from '../http/upstream-http';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import type { UpstreamProvider, UpstreamTarget } from '../upstream-provider.port';
import { ChatChunkDecoder } from './chat-chunk-decoder';

export type OpenAICompatibleProviderOptions = UpstreamHttpOptions;

/**
 * The adapter for OpenAI and every OpenAI-compatible server (vLLM, Ollama, Groq, Together,
 * OpenRouter, the local mocks …). Requests go out unchanged except for `model` (the target's
 * upstream model) and, for streams, `stream_options.include_usage: true`. No retries here.
 */
export class OpenAICompatibleProvider implements UpstreamProvider {
  private readonly http: UpstreamHttp;

  constructor(options: OpenAICompatibleProviderOptions = {}) {
    this.http = new UpstreamHttp(options);
  }

  async complete(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): Promise<ChatCompletion> {
    const body = { ...request, model: target.upstreamModel, stream: false, stream_options: undefined };
    const value = await this.http.postJson(
      target,
      { path: '/chat/completions', headers: headers(target), body },
      signal,
    );
    if (
      typeof value !== 'object' ||
      value === null ||
      !Array.isArray((value as { choices?: unknown }).choices)
    ) {
      throw upstreamServerError(target, 'the answer is not a chat completion (no choices)');
    }
    return value as ChatCompletion;
  }

  stream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    const body = {
      ...request,
      model: target.upstreamModel,
      stream: true,
      stream_options: { ...request.stream_options, include_usage: true },
    };
    const decoder = new ChatChunkDecoder(target.providerSlug, target.apiKey);
    const translator = {
      translate: (data: string): ChatCompletionChunk[] => {
        const chunk = decoder.decode(data);
        return chunk === undefined ? [] : [chunk];
      },
      get complete(): boolean {
        return decoder.complete;
      },
    };
    return this.http.postStream(
      target,
      { path: '/chat/completions', headers: headers(target), body },
      translator,
      signal,
    );
  }

  /** Closes every pooled connection (on shutdown). */
  close(): Promise<void> {
    return this.http.close();
  }
}

function headers(target: UpstreamTarget): Record<string, string> {
  const result: Record<string, string> = { ...target.extraHeaders };
  if (target.apiKey) result['authorization'] = `Bearer ${target.apiKey}`;
  return result;
}
