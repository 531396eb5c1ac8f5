import type { UpstreamHttpOptions } from '../http/upstream-http';
import { listedIds } from '../http/model-listing';
import { WireFormatProvider, type WireFormat } from '../http/wire-format-provider';
import type { ProbeTarget } from '../upstream-provider.port';
import { COHERE_REQUEST_PARAMS, toCohereRequest } from './cohere-request-translation';
import { isCohereChatResponse, toChatCompletion } from './cohere-response-translation';
import { CohereStreamTranslator } from './cohere-stream-translation';
import type { CohereChatRequest, CohereChatResponse } from './cohere-wire';

export type CohereProviderOptions = UpstreamHttpOptions;

function bearerHeaders(target: ProbeTarget): Record<string, string> {
  const headers: Record<string, string> = { ...target.extraHeaders };
  if (target.apiKey) headers['authorization'] = `Bearer ${target.apiKey}`;
  return headers;
}

/**
 * Cohere's Chat API v2. `target.baseUrl` is the API root with its version (`https://api.cohere.com/v2`);
 * requests go to `${baseUrl}/chat` with `Authorization: Bearer <key>`. See the translators for what maps
 * and what does not (n > 1 is rejected as bad_request); Cohere's `{message}` error bodies are read by
 * the shared mapping.
 *
 * A probe lists models with `GET /v1/models?page_size=1000` (`models[].name`): Cohere serves the
 * listing only under v1, so a base path ending in `/v2` is rewritten to `/v1`
 * (`https://api.cohere.com/v2` → `https://api.cohere.com/v1/models`); other base paths are kept.
 */
export const cohereWireFormat: WireFormat<CohereChatRequest, CohereChatResponse> = {
  knownParams: COHERE_REQUEST_PARAMS,
  path: () => '/chat',
  headers: bearerHeaders,
  body: (request, target, stream) =>
    toCohereRequest(request, { model: target.upstreamModel, stream, providerSlug: target.providerSlug }),
  isAnswer: isCohereChatResponse,
  answerName: 'a Cohere chat response',
  toCompletion: (answer, target) =>
    toChatCompletion(answer, { model: target.upstreamModel, providerSlug: target.providerSlug }),
  streamTranslator: (target) =>
    new CohereStreamTranslator(target.providerSlug, target.apiKey, target.upstreamModel),
  // Cohere pages its listing (20 by default, at most 1000 per page).
  probePath: () => '/models?page_size=1000',
  probeBasePath: (pathname) => pathname.replace(/\/v2$/, '/v1'),
  probeHeaders: bearerHeaders,
  listedModels: (answer) => listedIds(answer, 'models', 'name'),
};

export class CohereProvider extends WireFormatProvider<CohereChatRequest, CohereChatResponse> {
  constructor(options: CohereProviderOptions = {}) {
    super(cohereWireFormat, options);
  }
}
