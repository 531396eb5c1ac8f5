import type { UpstreamHttpOptions } from '../http/upstream-http';
import { WireFormatProvider, type WireFormat } from '../http/wire-format-provider';
import { listedIds } from '../http/model-listing';
import {
  OPENAI_CHAT_PARAMS,
  withKnownParams,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
} from '../openai-wire';
import type { ProbeTarget } from '../upstream-provider.port';
import { ChatChunkDecoder } from './chat-chunk-decoder';

export type OpenAICompatibleProviderOptions = UpstreamHttpOptions;

function bearerHeaders(target: ProbeTarget): Record<string, string> {
  const headers: Record<string, string> = { ...target.extraHeaders };
  if (target.apiKey) headers['authorization'] = `Bearer ${target.apiKey}`;
  return headers;
}

/**
 * OpenAI and every OpenAI-compatible server (vLLM, Ollama, Groq, Together, OpenRouter, the local
 * mocks …). Requests go out with OpenAI's documented parameters only (OPENAI_CHAT_PARAMS: vendor
 * extensions are dropped), `model` set to the target's upstream model and, for streams,
 * `stream_options.include_usage: true` so the gateway can always bill. A probe lists
 * `GET ${baseUrl}/models` (`data[].id`).
 */
export const openAICompatibleWireFormat: WireFormat<ChatCompletionRequest, ChatCompletion> = {
  knownParams: OPENAI_CHAT_PARAMS,
  path: () => '/chat/completions',
  headers: bearerHeaders,
  body: (request, target, stream) => {
    const known = withKnownParams(request, OPENAI_CHAT_PARAMS);
    return stream
      ? {
          ...known,
          model: target.upstreamModel,
          stream: true,
          stream_options: { ...request.stream_options, include_usage: true },
        }
      : { ...known, model: target.upstreamModel, stream: false, stream_options: undefined };
  },
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
  probePath: () => '/models',
  probeHeaders: bearerHeaders,
  listedModels: (answer) => listedIds(answer, 'data', 'id'),
};

export class OpenAICompatibleProvider extends WireFormatProvider<ChatCompletionRequest, ChatCompletion> {
  constructor(options: OpenAICompatibleProviderOptions = {}) {
    super(openAICompatibleWireFormat, options);
  }
}
