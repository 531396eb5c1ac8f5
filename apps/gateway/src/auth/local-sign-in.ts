import type { Logger } from 'pino';
import {
  type AccessDirectory,
  DEFAULT_LOGIN_THROTTLE,
  type LocalCredentials,
  LoginThrottle,
  normalizeUsername,
  type RefreshTokens,
} from '@gw/accounts';
import { UnauthorizedError } from '@gw/shared-kernel';
import type { SessionTokens } from './access-token-verifiers';
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
 * back). Failed sign-ins are throttled per username and per address, in memory; a throttled attempt
 * is refused before the password is checked. An unknown user and a wrong password get the same
 * error after the same scrypt work.
 */
export class LocalSignIn {
  private readonly perUsername = new LoginThrottle(DEFAULT_LOGIN_THROTTLE.perUsername);
  private readonly perAddress = new LoginThrottle(DEFAULT_LOGIN_THROTTLE.perAddress);
  private signIns = 0;

  constructor(
    private readonly credentials: LocalCredentials,
    private readonly refreshTokens: RefreshTokens,
    private readonly sessions: SessionTokens,
    private readonly directory: AccessDirectory,
    private readonly logger: Logger,
  ) {}

  async login(username: string, password: string, address: string): Promise<SignedIn> {
    const userKey = `user:${normalizeUsername(username)}`;
    const addressKey = `ip:${address}`;
    const wait = Math.max(this.perUsername.retryAfterMs(userKey), this.perAddress.retryAfterMs(addressKey));
    if (wait > 0) throw new TooManySignInAttemptsError(wait);
    const userId = await this.credentials.verify(username, password);
    if (!userId || !this.enabled(userId)) {
      this.perUsername.recordFailure(userKey);
      this.perAddress.recordFailure(addressKey);
      throw badCredentials();
    }
    this.perUsername.reset(userKey);
    if (this.signIns++ % PRUNE_EVERY === 0) this.prune();
    const { token, familyId } = await this.refreshTokens.issue(userId);
    this.logger.info({ userId }, 'signed in');
    return { ...(await this.sessions.sign(userId, familyId)), refreshToken: token };
  }

  async refresh(refreshToken: string | undefined): Promise<SignedIn> {
    if (!refreshToken) throw badRefresh();
    const outcome = await this.refreshTokens.rotate(refreshToken);
    if (outcome.kind === 'reused') {
      this.logger.warn(
        { userId: outcome.userId, sessionId: outcome.familyId },
        'a used refresh token was presented again: the session is revoked',
      );
      throw badRefresh();
    }
    if (outcome.kind === 'invalid' || !this.enabled(outcome.userId)) throw badRefresh();
    return { ...(await this.sessions.sign(outcome.userId, outcome.familyId)), refreshToken: outcome.token };
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (refreshToken) await this.refreshTokens.revokeFamilyOf(refreshToken);
  }

  /** Ends every session of the user: no refresh token of theirs works again (account deleted). */
  async signOutEverywhere(userId: string): Promise<void> {
    await this.refreshTokens.revokeUser(userId);
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
