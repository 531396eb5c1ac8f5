import type { UpstreamError } from '@gw/providers';
import type { ErrorResponse, HasErrorResponse } from '../errors/error-response';

/** Every candidate failed (or the attempts ran out): 503 in OpenAI's error shape, naming the last failure. */
export class AllProvidersFailedError extends Error implements HasErrorResponse {
  constructor(
    readonly attempts: number,
    readonly last: UpstreamError | undefined,
  ) {
    super(`All ${attempts} attempt(s) failed${last ? `; last: ${last.kind}` : ''}`);
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: 503,
      type: 'api_error',
      code: 'upstream_unavailable',
      message: `No provider could answer this request after ${this.attempts} attempt(s)${this.last ? ` (last failure: ${this.last.kind}${this.last.status ? ` ${this.last.status}` : ''})` : ''}. Retry later.`,
      param: null,
      headers: this.last?.retryAfterMs
        ? { 'retry-after': String(Math.ceil(this.last.retryAfterMs / 1000)) }
        : undefined,
    };
  }
}

/** The upstream refused the request itself (400/404/422): not a provider failure, no fallback. */
export class UpstreamRejectedError extends Error implements HasErrorResponse {
  constructor(readonly upstream: UpstreamError) {
    super(upstream.message);
  }
  toErrorResponse(): ErrorResponse {
    const status =
      this.upstream.status && this.upstream.status >= 400 && this.upstream.status < 500
        ? this.upstream.status
        : 400;
    return {
      status,
      type: 'invalid_request_error',
      code: 'upstream_rejected_request',
      message: `The provider rejected the request: ${this.upstream.message}`,
      param: null,
    };
  }
}

/** The named model's provider is cooling down (its retry-after, or an open circuit): 503, try later. */
export class ProviderUnavailableError extends Error implements HasErrorResponse {
  constructor(
    readonly provider: string,
    readonly retryAfterMs: number,
  ) {
    super(`Provider ${provider} is unavailable for ${retryAfterMs} ms`);
  }
  toErrorResponse(): ErrorResponse {
    const seconds = Math.max(1, Math.ceil(this.retryAfterMs / 1000));
    return {
      status: 503,
      type: 'api_error',
      code: 'provider_unavailable',
      message: `The provider ${this.provider} of this model is temporarily unavailable. Retry in ${seconds} s, or ask for another model.`,
      param: 'model',
      headers: { 'retry-after': String(seconds) },
    };
  }
}
