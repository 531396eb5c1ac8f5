import { createHash, randomUUID } from 'node:crypto';
import type { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import {
  type AccessDirectory,
  OpenAccountCommand,
  type Principal,
  type SessionRevocations,
  UpdateAccountCommand,
  VerifiedTokenCache,
  type VerifiedIdentity,
} from '@gw/accounts';
import { ForbiddenError, IllegalStateError, type Role } from '@gw/shared-kernel';
import type { AccessTokenVerifier, VerifiedToken } from './access-token-verifiers';
import { invalidToken } from './auth.errors';

/** A principal authenticated by an access token rather than a gateway key has this `keyId`. */
export const ACCESS_TOKEN_KEY_ID = 'access-token';

/** A JWT is three base64url parts: two dots, no spaces (told apart from gateway keys for free). */
export const looksLikeJwt = (token: string): boolean => {
  const first = token.indexOf('.');
  return first > 0 && token.indexOf('.', first + 1) > first + 1 && token.split('.').length === 3;
};

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Bearer access tokens (JWTs): the configured verifier (the OIDC issuer's JWKS, or the gateway's own
 * key for local sign-in) checks a token once; then it is cached by its SHA-256 until it expires (at
 * most 5 min), so a repeated token costs a hash and a map lookup. The account comes from the access
 * directory; an OIDC subject seen for the first time gets its account opened (once: the account id
 * is derived from issuer and subject, and "already open" is success). A token whose session was
 * revoked (logout, refresh-token reuse) is refused on every use, from the cache too: the revoked-
 * session list is in memory (shared through Redis in full mode).
 */
export class TokenAuthenticator {
  private readonly cache = new VerifiedTokenCache();
  private readonly opening = new Map<string, Promise<void>>();

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly directory: AccessDirectory,
    private readonly commands: CommandBus,
    private readonly logger: Logger,
    private readonly revocations?: SessionRevocations,
  ) {}

  /** From the cache only (sync): the principal, or undefined when the token must be verified. */
  cached(tokenHash: string): Principal | undefined {
    const identity = this.cache.get(tokenHash);
    if (!identity) return undefined;
    this.refuseRevoked(identity);
    return this.principalOf(identity);
  }

  async authenticate(token: string, tokenHash: string): Promise<Principal> {
    const cached = this.cached(tokenHash);
    if (cached) return cached;
    const verified = await this.verifier.verify(token);
    // A deleted account's token is refused like an unknown one, and never reopens the account.
    if (this.directory.isDeleted(verified.userId)) throw invalidToken();
    if (verified.profile && !this.directory.account(verified.userId)) await this.openOnce(verified);
    const identity: VerifiedIdentity = {
      userId: verified.userId,
      ...(verified.roles && { roles: verified.roles }),
      expiresAt: verified.expiresAt,
      ...(verified.sessionId !== undefined && { sessionId: verified.sessionId }),
      ...(verified.signedInAt !== undefined && { signedInAt: verified.signedInAt }),
    };
    this.refuseRevoked(identity);
    const known = this.principalOf(identity);
    if (known) this.opened.delete(verified.userId);
    if (verified.profile && verified.roles) this.recordRoles(verified.userId, verified.roles);
    const principal = known ?? this.openedPrincipal(verified);
    if (!principal) throw invalidToken();
    this.cache.set(tokenHash, identity);
    return principal;
  }

  /** A logged-out session's token is refused like an unknown one. */
  private refuseRevoked(identity: VerifiedIdentity): void {
    if (identity.sessionId !== undefined && this.revocations?.isRevoked(identity.sessionId))
      throw invalidToken();
  }

  /**
   * The account's principal, with the token's roles (OIDC) and its session's sign-in time; undefined
   * while the account is unknown.
   */
  private principalOf(identity: VerifiedIdentity): Principal | undefined {
    if (this.directory.account(identity.userId)?.disabled)
      throw new ForbiddenError('AUTH.ACCOUNT_DISABLED', 'This account is disabled.');
    const principal = this.directory.principalForUser(identity.userId, ACCESS_TOKEN_KEY_ID);
    if (!principal) return undefined;
    return {
      ...principal,
      ...(identity.roles && { roles: identity.roles }),
      ...(identity.signedInAt !== undefined && { signedInAt: identity.signedInAt }),
    };
  }

  /**
   * The IdP decides an OIDC caller's roles: when a token's roles differ from the account's, the
   * account records it (RolesChanged), in the background — the request already uses the token's.
   */
  private recordRoles(userId: string, roles: readonly Role[]): void {
    const account = this.directory.account(userId);
    if (!account || this.updatingRoles.has(userId)) return;
    if (account.roles.length === roles.length && roles.every((r) => account.roles.includes(r))) return;
    this.updatingRoles.add(userId);
    this.commands
      .execute(
        new UpdateAccountCommand(
          userId,
          { roles },
          { correlationId: randomUUID(), actorId: userId, actorKind: 'system' },
        ),
      )
      .catch((e: unknown) =>
        this.logger.warn({ userId, err: (e as Error).message }, 'could not record the roles of a token'),
      )
      .finally(() => this.updatingRoles.delete(userId));
  }

  private readonly updatingRoles = new Set<string>();

  /** Just opened here or by another instance, before this instance's feed has applied it. */
  private openedPrincipal(verified: VerifiedToken): Principal | undefined {
    if (!verified.profile || !this.opened.has(verified.userId)) return undefined;
    return {
      userId: verified.userId,
      keyId: ACCESS_TOKEN_KEY_ID,
      roles: verified.roles ?? ['user'],
      ...NEW_ACCOUNT,
      ...(verified.signedInAt !== undefined && { signedInAt: verified.signedInAt }),
    };
  }

  private readonly opened = new Set<string>();

  private openOnce(verified: VerifiedToken): Promise<void> {
    let pending = this.opening.get(verified.userId);
    if (!pending) {
      pending = this.open(verified).finally(() => this.opening.delete(verified.userId));
      this.opening.set(verified.userId, pending);
    }
    return pending;
  }

  private async open(verified: VerifiedToken): Promise<void> {
    const { userId, profile } = verified;
    try {
      await this.commands.execute(
        new OpenAccountCommand(
          {
            userId,
            email: profile!.email,
            displayName: profile!.displayName,
            roles: [...(verified.roles ?? ['user'])],
            ...NEW_ACCOUNT,
          },
          { correlationId: randomUUID(), actorId: userId, actorKind: 'user' },
        ),
      );
      this.logger.info({ userId }, 'account opened for a new OIDC subject');
    } catch (e) {
      // Another instance (or request) opened it first: the account is there, which is all we wanted.
      if (!(e instanceof IllegalStateError && e.code === 'ACCOUNTS.ALREADY_OPEN')) throw e;
    }
    this.opened.add(userId);
  }
}

/** A subject's account starts on the free tier at its power level (admins upgrade it). */
const NEW_ACCOUNT = { tier: 'free', powerLevel: 'eco' } as const;
