import { UnauthorizedError } from '@gw/shared-kernel';
import type { ErrorResponse, HasErrorResponse } from '../errors/error-response';

/** Every refused token gets this, whatever the reason (expired is told apart: the client refreshes). */
export const invalidToken = (expired = false): UnauthorizedError =>
  expired
    ? new UnauthorizedError('AUTH.TOKEN_EXPIRED', 'The access token has expired.')
    : new UnauthorizedError('AUTH.INVALID_TOKEN', 'Invalid access token.');

/** The issuer's discovery document or JWKS cannot be fetched: not the caller's fault. */
export class IdentityProviderUnavailableError extends Error implements HasErrorResponse {
  toErrorResponse(): ErrorResponse {
    return {
      status: 503,
      type: 'api_error',
      code: 'identity_provider_unavailable',
      message: 'The identity provider cannot be reached to check the access token. Retry shortly.',
      param: null,
      headers: { 'retry-after': '5' },
    };
  }
}

/** Too many failed sign-ins for this username or from this address. */
export class TooManySignInAttemptsError extends Error implements HasErrorResponse {
  constructor(readonly retryAfterMs: number) {
    super('too many failed sign-ins');
  }
  toErrorResponse(): ErrorResponse {
    const seconds = String(Math.max(1, Math.ceil(this.retryAfterMs / 1000)));
    return {
      status: 429,
      type: 'rate_limit_error',
      code: 'AUTH.TOO_MANY_ATTEMPTS',
      message: `Too many failed sign-ins. Retry in ${seconds} s.`,
      param: null,
      headers: { 'retry-after': seconds },
    };
  }
}
