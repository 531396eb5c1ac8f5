import type { UpstreamHttpOptions } from '../http/upstream-http';
import { listedIds } from '../http/model-listing';
import { WireFormatProvider, type WireFormat } from '../http/wire-format-provider';
import type { ProbeTarget } from '../upstream-provider.port';
import { ANTHROPIC_REQUEST_PARAMS, toAnthropicRequest } from './anthropic-request-translation';
import { isAnthropicMessage, toChatCompletion } from './anthropic-response-translation';
import { AnthropicStreamTranslator } from './anthropic-stream-translation';
import { ANTHROPIC_VERSION, type AnthropicMessage, type AnthropicMessagesRequest } from './anthropic-wire';

export type AnthropicProviderOptions = UpstreamHttpOptions;

function anthropicHeaders(target: ProbeTarget): Record<string, string> {
  const headers: Record<string, string> = {
    'anthropic-version': ANTHROPIC_VERSION,
    ...target.extraHeaders,
  };
  if (target.apiKey) headers['x-api-key'] = target.apiKey;
  return headers;
}

/**
 * Anthropic's Messages API. `target.baseUrl` is the API root with its version
 * (`https://api.anthropic.com/v1`); requests go to `${baseUrl}/messages` with `x-api-key` and
 * `anthropic-version: 2023-06-01` (`target.extraHeaders` may add `anthropic-beta` or override the
 * version, never the key). See the translators for what maps and what does not (n > 1 is rejected
 * as bad_request). 529 overloaded_error is a 5xx, so the shared mapping makes it `server` (retryable).
 * A probe lists `GET ${baseUrl}/models?limit=1000` with the same headers (`data[].id`).
 */
export const anthropicWireFormat: WireFormat<AnthropicMessagesRequest, AnthropicMessage> = {
  knownParams: ANTHROPIC_REQUEST_PARAMS,
  path: () => '/messages',
  headers: anthropicHeaders,
  body: (request, target, stream) =>
    toAnthropicRequest(request, {
      model: target.upstreamModel,
      stream,
      providerSlug: target.providerSlug,
    }),
  isAnswer: isAnthropicMessage,
  answerName: 'an Anthropic message',
  toCompletion: (answer) => toChatCompletion(answer),
  streamTranslator: (target) =>
    new AnthropicStreamTranslator(target.providerSlug, target.apiKey, target.upstreamModel),
  // Anthropic pages its listing (20 by default, at most 1000 per page).
  probePath: () => '/models?limit=1000',
  probeHeaders: anthropicHeaders,
  listedModels: (answer) => listedIds(answer, 'data', 'id'),
};

export class AnthropicProvider extends WireFormatProvider<AnthropicMessagesRequest, AnthropicMessage> {
  constructor(options: AnthropicProviderOptions = {}) {
    super(anthropicWireFormat, options);
  }
}
