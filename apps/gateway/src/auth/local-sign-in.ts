import type { Logger } from 'pino';
import {
  type AccessDirectory,
  type LocalCredentials,
  normalizeUsername,
  type RefreshTokens,
  type SessionRevocations,
  SignInThrottle,
  type SignInGate,
} from '@gw/accounts';
import { UnauthorizedError } from '@gw/shared-kernel';
import { SESSION_TOKEN_MAX_LIFE_MS, type SessionTokens } from './access-token-verifiers';
import { TooManySignInAttemptsError } from './auth.errors';

/** LocalSignIn in the Nest container, or null when an OIDC issuer signs users in. */
export const LOCAL_SIGN_IN = Symbol('LocalSignIn');
/** The refresh token's life; every refresh starts a new one (sliding): sign in again after a week idle. */
export const REFRESH_TOKEN_TTL_MS = 7 * 24 * 3_600_000;

const PRUNE_EVERY = 500;

export interface SignedIn {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
}

const badCredentials = (): UnauthorizedError =>
  new UnauthorizedError('AUTH.INVALID_CREDENTIALS', 'Incorrect username or password.');

const badRefresh = (): UnauthorizedError =>
  new UnauthorizedError('AUTH.INVALID_REFRESH_TOKEN', 'The session has ended; sign in again.');

/**
 * Local sign-in (no OIDC issuer): username and password → a 15-minute access token signed by the
 * gateway and a refresh token (rotated on every refresh, its family revoked when a used one comes
 * back). Every password check first takes a slot of the sign-in throttle (per username and address,
 * per address, and a slower per username; in memory), so concurrent wrong passwords cannot outrun
 * it; a throttled attempt is refused before the password is checked. An unknown user and a wrong
 * password get the same error after the same scrypt work. Logout and refresh-token reuse put the
 * session on the revoked list: its access tokens are refused from then on.
 */
export class LocalSignIn {
  private readonly throttle: SignInGate;
  private signIns = 0;

  constructor(
    private readonly credentials: LocalCredentials,
    private readonly refreshTokens: RefreshTokens,
    private readonly sessions: SessionTokens,
    private readonly directory: AccessDirectory,
    private readonly logger: Logger,
    private readonly revocations: SessionRevocations,
    private readonly now: () => number = Date.now,
    /** Default: this instance's memory; full mode passes the one shared through Redis. */
    throttle?: SignInGate,
  ) {
    this.throttle = throttle ?? new SignInThrottle(undefined, now);
  }

  /** `address`: the client's, as TRUSTED_PROXIES lets the gateway tell it (clientOf). */
  async login(username: string, password: string, address: string): Promise<SignedIn> {
    const userId = await this.checked(`user:${normalizeUsername(username)}`, address, async () => {
      const id = await this.credentials.verify(username, password);
      return id && this.enabled(id) ? id : undefined;
    });
    if (!userId) throw badCredentials();
    if (this.signIns++ % PRUNE_EVERY === 0) this.prune();
    const { token, familyId, signedInAt } = await this.refreshTokens.issue(userId);
    this.logger.info({ userId }, 'signed in');
    return { ...(await this.sessions.sign(userId, familyId, signedInAt)), refreshToken: token };
  }

  /**
   * The signed-in user's password again (before a sensitive change), throttled like a sign-in
   * (keyed by the user id): true when right.
   */
  async confirmPassword(userId: string, password: string, address: string): Promise<boolean> {
    const ok = await this.checked(`id:${userId}`, address, async () =>
      (await this.credentials.verifyUser(userId, password)) ? userId : undefined,
    );
    return ok !== undefined;
  }

  async refresh(refreshToken: string | undefined): Promise<SignedIn> {
    if (!refreshToken) throw badRefresh();
    const outcome = await this.refreshTokens.rotate(refreshToken);
    if (outcome.kind === 'reused') {
      await this.endSession(outcome.familyId);
      this.logger.warn(
        { userId: outcome.userId, sessionId: outcome.familyId },
        'a used refresh token was presented again: the session is revoked',
      );
      throw badRefresh();
    }
    if (outcome.kind === 'invalid' || !this.enabled(outcome.userId)) throw badRefresh();
    return {
      ...(await this.sessions.sign(outcome.userId, outcome.familyId, outcome.signedInAt)),
      refreshToken: outcome.token,
    };
  }

  /**
   * Ends the session of the refresh cookie and the session of the access token (a client that signed
   * in with curl or an SDK sends only the token): their refresh tokens and their access tokens. A
   * token that is not a valid session token of this gateway ends nothing.
   */
  async logout(refreshToken: string | undefined, accessToken?: string): Promise<void> {
    const sessions = new Set<string>();
    const familyId = refreshToken ? await this.refreshTokens.revokeFamilyOf(refreshToken) : undefined;
    if (familyId) sessions.add(familyId);
    const sessionId = accessToken
      ? await this.sessions.verify(accessToken).then(
          (verified) => verified.sessionId,
          () => undefined,
        )
      : undefined;
    if (sessionId && !sessions.has(sessionId)) {
      await this.refreshTokens.revokeFamily(sessionId);
      sessions.add(sessionId);
    }
    for (const session of sessions) await this.endSession(session);
  }

  /** Ends every session of the user: no refresh token of theirs works again (account deleted). */
  async signOutEverywhere(userId: string): Promise<void> {
    await this.refreshTokens.revokeUser(userId);
  }

  /** Its access tokens are refused on every instance until the last of them would have expired. */
  private endSession(sessionId: string): Promise<void> {
    return this.revocations.revoke(sessionId, this.now() + SESSION_TOKEN_MAX_LIFE_MS);
  }

  /** A password check behind the throttle: its slot taken first, given back only when it succeeds. */
  private async checked(
    who: string,
    address: string,
    check: () => Promise<string | undefined>,
  ): Promise<string | undefined> {
    const admission = await this.throttle.admit(who, address);
    if (!admission.admitted) throw new TooManySignInAttemptsError(admission.retryAfterMs);
    const userId = await check();
    if (userId) admission.attempt.succeeded();
    else admission.attempt.failed();
    return userId;
  }

  /** Refresh tokens expired for a day go: on the first sign-in after a start, then every 500th. */
  private prune(): void {
    this.refreshTokens
      .prune()
      .catch((e: unknown) =>
        this.logger.warn({ err: (e as Error).message }, 'pruning refresh tokens failed'),
      );
  }

  private enabled(userId: string): boolean {
    const account = this.directory.account(userId);
    return account !== undefined && !account.disabled;
  }
}
