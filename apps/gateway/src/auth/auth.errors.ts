import { UnauthorizedError } from '@gw/shared-kernel';
import type { ErrorResponse, HasErrorResponse } from '../errors/error-response';

/** Every refused token gets this, whatever the reason (expired is told apart: the client refreshes). */
export const invalidToken = (expired = false): UnauthorizedError =>
  expired
    ? new UnauthorizedError('AUTH.TOKEN_EXPIRED', 'The access token has expired.')
    : new UnauthorizedError('AUTH.INVALID_TOKEN', 'Invalid access token.');

/** The issuer's discovery document, JWKS or token endpoint cannot be reached: not the caller's fault. */
export class IdentityProviderUnavailableError extends Error implements HasErrorResponse {
  constructor(
    readonly detail = 'The identity provider cannot be reached to check the access token. Retry shortly.',
  ) {
    super('identity provider unavailable');
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: 503,
      type: 'api_error',
      code: 'identity_provider_unavailable',
      message: this.detail,
      param: null,
      headers: { 'retry-after': '5' },
    };
  }
}

/**
 * The issuer answered the gateway's sign-in request with something other than tokens or a grant it
 * refuses (a client it does not know, a malformed answer, tokens the gateway does not accept): the
 * deployment's configuration, not the user, must change. The detail names no token.
 */
export class IdentityProviderError extends Error implements HasErrorResponse {
  constructor(readonly detail: string) {
    super(detail);
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: 502,
      type: 'api_error',
      code: 'AUTH.IDENTITY_PROVIDER_ERROR',
      message: this.detail,
      param: null,
    };
  }
}

/** The issuer refused the code or refresh token (invalid_grant): used, expired or not this client's. */
export const signInExpired = (): UnauthorizedError =>
  new UnauthorizedError(
    'AUTH.SIGN_IN_EXPIRED',
    'The sign-in has expired or was already used; sign in again.',
  );

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
