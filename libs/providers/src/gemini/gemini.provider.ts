import type { UpstreamHttpOptions } from '../http/upstream-http';
import { listedIds } from '../http/model-listing';
import { WireFormatProvider, type WireFormat } from '../http/wire-format-provider';
import type { ProbeTarget } from '../upstream-provider.port';
import { geminiErrorFromStatus } from './gemini-error-mapping';
import { GEMINI_REQUEST_PARAMS, toGeminiRequest } from './gemini-request-translation';
import { isGeminiResponse, toChatCompletion } from './gemini-response-translation';
import { GeminiStreamTranslator } from './gemini-stream-translation';
import type { GeminiRequest, GeminiResponse } from './gemini-wire';

export type GeminiProviderOptions = Omit<UpstreamHttpOptions, 'errorFromStatus'>;

function geminiHeaders(target: ProbeTarget): Record<string, string> {
  const headers: Record<string, string> = { ...target.extraHeaders };
  if (target.apiKey) headers['x-goog-api-key'] = target.apiKey;
  return headers;
}

/** `models/<id>` for a bare id (or one already prefixed), `tunedModels/<id>` kept as given. */
function modelPath(model: string): string {
  const path = model.includes('/') ? model : `models/${model}`;
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/**
 * The Google Gemini API (AI Studio keys). `target.baseUrl` is the API root with its version
 * (`https://generativelanguage.googleapis.com/v1beta`); requests go to
 * `${baseUrl}/models/${upstreamModel}:generateContent` and `:streamGenerateContent?alt=sse` with the
 * key in `x-goog-api-key` (never in the URL: the transport drops a `key` parameter of the base URL).
 * Gemini's error statuses (RESOURCE_EXHAUSTED, API_KEY_INVALID …) have their own mapping. A probe
 * lists `GET ${baseUrl}/models?pageSize=1000` with the same header (`models[].name` without `models/`).
 */
export const geminiWireFormat: WireFormat<GeminiRequest, GeminiResponse> = {
  knownParams: GEMINI_REQUEST_PARAMS,
  path: (target, stream) =>
    `/${modelPath(target.upstreamModel)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
  headers: geminiHeaders,
  body: (request, target) => toGeminiRequest(request, target.providerSlug),
  isAnswer: isGeminiResponse,
  answerName: 'a GenerateContentResponse',
  toCompletion: (answer, target) => toChatCompletion(answer, target.upstreamModel),
  streamTranslator: (target) => {
    const gemini = new GeminiStreamTranslator(target.providerSlug, target.apiKey, target.upstreamModel);
    return {
      translate: (data: string) => gemini.translate(data),
      get complete(): boolean {
        return gemini.finished;
      },
      end: () => gemini.end(),
    };
  },
  // Gemini pages its listing (50 by default, at most 1000 per page).
  probePath: () => '/models?pageSize=1000',
  probeHeaders: geminiHeaders,
  // Google's JSON leaves out an empty list, so `{}` lists no models.
  listedModels: (answer) =>
    listedIds(answer, 'models', 'name', { missingIsEmpty: true })?.map((name) =>
      name.startsWith('models/') ? name.slice('models/'.length) : name,
    ),
};

export class GeminiProvider extends WireFormatProvider<GeminiRequest, GeminiResponse> {
  constructor(options: GeminiProviderOptions = {}) {
    super(geminiWireFormat, { ...options, errorFromStatus: geminiErrorFromStatus });
  }
}
