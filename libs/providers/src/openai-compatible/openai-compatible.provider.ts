import type { UpstreamHttpOptions } from '../http/upstream-http';
import { WireFormatProvider, type WireFormat } from '../http/wire-format-provider';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai-wire';
import { ChatChunkDecoder } from './chat-chunk-decoder';

export type OpenAICompatibleProviderOptions = UpstreamHttpOptions;

/**
 * OpenAI and every OpenAI-compatible server (vLLM, Ollama, Groq, Together, OpenRouter, the local
 * mocks …). Requests go out unchanged except for `model` (the target's upstream model) and, for
 * streams, `stream_options.include_usage: true` so the gateway can always bill.
 */
export const openAICompatibleWireFormat: WireFormat<ChatCompletionRequest, ChatCompletion> = {
  path: () => '/chat/completions',
  headers: (target) => {
    const headers: Record<string, string> = { ...target.extraHeaders };
    if (target.apiKey) headers['authorization'] = `Bearer ${target.apiKey}`;
    return headers;
  },
  body: (request, target, stream) =>
    stream
      ? {
          ...request,
          model: target.upstreamModel,
          stream: true,
          stream_options: { ...request.stream_options, include_usage: true },
        }
      : { ...request, model: target.upstreamModel, stream: false, stream_options: undefined },
  isAnswer: (value): value is ChatCompletion =>
    typeof value === 'object' && value !== null && Array.isArray((value as { choices?: unknown }).choices),
  answerName: 'a chat completion (no choices)',
  toCompletion: (answer) => answer,
  streamTranslator: (target) => {
    const decoder = new ChatChunkDecoder(target.providerSlug, target.apiKey);
    return {
      translate: (data: string): ChatCompletionChunk[] => {
        const chunk = decoder.decode(data);
        return chunk === undefined ? [] : [chunk];
      },
      get complete(): boolean {
        return decoder.complete;
      },
    };
  },
};

export class OpenAICompatibleProvider extends WireFormatProvider<ChatCompletionRequest, ChatCompletion> {
  constructor(options: OpenAICompatibleProviderOptions = {}) {
    super(openAICompatibleWireFormat, options);
  }
}
