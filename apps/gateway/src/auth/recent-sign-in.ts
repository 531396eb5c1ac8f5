import type { FastifyRequest } from 'fastify';
import { stepUpForSensitiveChange, type Principal } from '@gw/accounts';
import { ForbiddenError, type Clock } from '@gw/shared-kernel';
import { clientOf } from '../http/client-address';
import type { LocalSignIn } from './local-sign-in';
import { ACCESS_TOKEN_KEY_ID } from './token-authenticator';

const reauthenticate = (): ForbiddenError =>
  new ForbiddenError(
    'AUTH.REAUTHENTICATION_REQUIRED',
    'Creating a gateway key with an access token needs a sign-in within the last 15 minutes: ' +
      'send your password as "password" in the request body, or sign in again.',
  );

/**
 * Creating a gateway key with an access token: the session must have signed in within 15 minutes
 * (refreshing does not count), or the request carries the user's password, checked behind the
 * sign-in throttle. A gateway key (sk-sy-…) needs neither. OIDC tokens: their `auth_time`; the
 * password cannot be checked here, so an older session signs in again at the issuer.
 */
export class RecentSignIn {
  constructor(
    private readonly signIn: LocalSignIn | null,
    private readonly clock: Clock,
  ) {}

  async require(request: FastifyRequest, principal: Principal, password: string | undefined): Promise<void> {
    const step = stepUpForSensitiveChange(
      principal.keyId === ACCESS_TOKEN_KEY_ID
        ? { via: 'access-token', signedInAt: principal.signedInAt }
        : { via: 'gateway-key' },
      password !== undefined,
      this.clock.now().getTime(),
    );
    if (step.kind === 'none') return;
    if (step.kind === 'reauthenticate' || !this.signIn || password === undefined) throw reauthenticate();
    if (!(await this.signIn.confirmPassword(principal.userId, password, clientOf(request).address)))
      throw new ForbiddenError('AUTH.INCORRECT_PASSWORD', 'Incorrect password.');
  }
}
