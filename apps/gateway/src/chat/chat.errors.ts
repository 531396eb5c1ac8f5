import type { UpstreamError } from '@gw/providers';
import type { ErrorResponse, HasErrorResponse } from '../errors/error-response';

/** Retry-After in whole seconds, at least 1 (a client that retries at once would only fail again). */
const retryAfterSeconds = (ms: number): string => String(Math.max(1, Math.ceil(ms / 1000)));

/**
 * Every attempt failed (or the attempts ran out): an outage, never the caller's mistake. 429
 * `rate_limited` when every attempt was refused by the provider's rate limit, else 503
 * `upstream_unavailable`; both with Retry-After: when the first candidate may be tried again.
 */
export class AllProvidersFailedError extends Error implements HasErrorResponse {
  constructor(
    readonly attempts: number,
    readonly last: UpstreamError | undefined,
    readonly retryAfterMs: number,
    readonly rateLimited: boolean,
  ) {
    super(`All ${attempts} attempt(s) failed${last ? `; last: ${last.kind}` : ''}`);
  }
  toErrorResponse(): ErrorResponse {
    const last = this.last
      ? ` (last failure: ${this.last.kind}${this.last.status ? ` ${this.last.status}` : ''})`
      : '';
    const seconds = retryAfterSeconds(this.retryAfterMs);
    return this.rateLimited
      ? {
          status: 429,
          type: 'rate_limit_error',
          code: 'rate_limited',
          message: `Every provider that can serve this request is rate limiting it after ${this.attempts} attempt(s)${last}. Retry in ${seconds} s.`,
          param: null,
          headers: { 'retry-after': seconds },
        }
      : {
          status: 503,
          type: 'api_error',
          code: 'upstream_unavailable',
          message: `No provider could answer this request after ${this.attempts} attempt(s)${last}. Retry in ${seconds} s.`,
          param: null,
          headers: { 'retry-after': seconds },
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

/**
 * Every provider that could serve the request asked for a pause (its own retry-after): 429
 * `rate_limited` without calling anyone, with Retry-After for the earliest of them.
 */
export class ProvidersPausedError extends Error implements HasErrorResponse {
  constructor(readonly retryAfterMs: number) {
    super(`Every candidate provider is paused for at least ${retryAfterMs} ms`);
  }
  toErrorResponse(): ErrorResponse {
    const seconds = retryAfterSeconds(this.retryAfterMs);
    return {
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limited',
      message: `Every provider that can serve this request is rate limited for now (each asked to be left alone until its retry-after). Retry in ${seconds} s.`,
      param: null,
      headers: { 'retry-after': seconds },
    };
  }
}

/**
 * The provider refused the caller's own key (401/403) and nothing else could serve the request; with
 * byokOnly the platform key is never tried. The key is marked invalid; the caller rotates or replaces
 * it. A 400 in OpenAI's shape: the gateway and the provider are fine, the key is not.
 */
export class ByokKeyRejectedError extends Error implements HasErrorResponse {
  constructor(
    readonly provider: string,
    readonly byokOnly: boolean,
  ) {
    super(`The caller's own key for ${provider} was rejected`);
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: 400,
      type: 'invalid_request_error',
      code: 'byok_key_rejected',
      message:
        `Your own API key for ${this.provider} was rejected by the provider` +
        (this.byokOnly ? ', and your settings use only your own keys (byokOnly)' : '') +
        '. Rotate or replace it at /api/v1/me/keys.',
      param: null,
    };
  }
}

/**
 * The request's deadline (the routing policy's `requestDeadlineMs`, every attempt included) passed
 * before any provider began answering: 504 `deadline_exceeded`. Typed `api_error` like the gateway's
 * other upstream failures (an attempt timeout surfaces as 503 `api_error`): the gateway gave up
 * waiting, the request itself is fine.
 */
export class DeadlineExceededError extends Error implements HasErrorResponse {
  constructor(
    readonly deadlineMs: number,
    readonly attempts: number,
  ) {
    super(`The request deadline of ${deadlineMs} ms passed after ${attempts} attempt(s)`);
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: 504,
      type: 'api_error',
      code: 'deadline_exceeded',
      message: `No provider answered within the request deadline of ${this.deadlineMs} ms (${this.attempts} attempt(s)). Retry, or send a shorter request.`,
      param: null,
    };
  }
}
