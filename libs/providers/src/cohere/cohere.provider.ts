import type { UpstreamHttpOptions } from '../http/upstream-http';
import { WireFormatProvider, type WireFormat } from '../http/wire-format-provider';
import { toCohereRequest } from './cohere-request-translation';
import { isCohereChatResponse, toChatCompletion } from './cohere-response-translation';
import { CohereStreamTranslator } from './cohere-stream-translation';
import type { CohereChatRequest, CohereChatResponse } from './cohere-wire';

export type CohereProviderOptions = UpstreamHttpOptions;

/**
 * Cohere's Chat API v2. `target.baseUrl` is the API root with its version (`https://api.cohere.com/v2`);
 * requests go to `${baseUrl}/chat` with `Authorization: Bearer <key>`. See the translators for what maps
 * and what does not (n > 1 is rejected as bad_request); Cohere's `{message}` error bodies are read by
 * the shared mapping.
 */
export const cohereWireFormat: WireFormat<CohereChatRequest, CohereChatResponse> = {
  path: () => '/chat',
  headers: (target) => {
    const headers: Record<string, string> = { ...target.extraHeaders };
    if (target.apiKey) headers['authorization'] = `Bearer ${target.apiKey}`;
    return headers;
  },
  body: (request, target, stream) =>
    toCohereRequest(request, { model: target.upstreamModel, stream, providerSlug: target.providerSlug }),
  isAnswer: isCohereChatResponse,
  answerName: 'a Cohere chat response',
  toCompletion: (answer, target) =>
    toChatCompletion(answer, { model: target.upstreamModel, providerSlug: target.providerSlug }),
  streamTranslator: (target) =>
    new CohereStreamTranslator(target.providerSlug, target.apiKey, target.upstreamModel),
};

export class CohereProvider extends WireFormatProvider<CohereChatRequest, CohereChatResponse> {
  constructor(options: CohereProviderOptions = {}) {
    super(cohereWireFormat, options);
  }
}
