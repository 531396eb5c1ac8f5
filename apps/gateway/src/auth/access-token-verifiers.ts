import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import { rolesFromClaims, subjectUserId } from '@gw/accounts';
import type { Role } from '@gw/shared-kernel';
import { IdentityProviderUnavailableError, invalidToken } from './auth.errors';
import type { OidcDiscovery } from './oidc-discovery';
import type { SessionSigningKey } from './session-signing-key';

/** What a verified access token says. */
export interface VerifiedToken {
  readonly userId: string;
  /** OIDC: the roles the token grants; gateway-signed tokens: undefined (the account's roles count). */
  readonly roles?: readonly Role[];
  readonly expiresAt: number;
  /** Local sign-in: the session (refresh-token family) the token belongs to, for revocation. */
  readonly sessionId?: string;
  /** When the session signed in (`auth_time`, ms since the epoch); refreshing does not move it. */
  readonly signedInAt?: number;
  /** OIDC: what opens the account the first time the subject is seen. */
  readonly profile?: { readonly email: string; readonly displayName: string };
}

export interface AccessTokenVerifier {
  /** Resolves with the token's caller or rejects with a 401 (or a 503 when the issuer is unreachable). */
  verify(token: string): Promise<VerifiedToken>;
}

/** Asymmetric algorithms only: never `none`, never HS* (a public key is no secret). */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
const CLOCK_TOLERANCE_S = 30;

const isJoseError = (e: unknown): e is errors.JOSEError => e instanceof errors.JOSEError;

/** Network trouble reaching the JWKS (timeouts, refused connections), as opposed to a bad token. */
const isFetchFailure = (e: unknown): boolean =>
  e instanceof errors.JWKSTimeout ||
  (!isJoseError(e) && /^E[A-Z]+$/.test(String((e as NodeJS.ErrnoException | null)?.code))) ||
  (isJoseError(e) && e.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set HTTP response/.test(e.message));

/**
 * Access tokens of an OIDC issuer: its discovery document (OidcDiscovery) gives the JWKS, fetched and
 * cached by jose (a token with an unknown `kid` refetches it, at most every 30 s). Issuer, audience,
 * exp and nbf are checked with 30 s of clock tolerance; the account id is a UUID v5 of issuer and subject.
 */
export class OidcTokenVerifier implements AccessTokenVerifier {
  private jwks: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly issuer: string,
    private readonly audience: string,
    private readonly rolesClaim: string,
    private readonly logger: Logger,
    private readonly discovery: OidcDiscovery,
  ) {}

  async verify(token: string): Promise<VerifiedToken> {
    const jwks = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (e) {
      if (isFetchFailure(e)) {
        this.logger.warn({ err: (e as Error).message }, 'OIDC JWKS cannot be fetched');
        throw new IdentityProviderUnavailableError();
      }
      throw invalidToken(e instanceof errors.JWTExpired);
    }
    const sub = payload.sub!;
    const email =
      typeof payload.email === 'string' && payload.email.includes('@') ? payload.email : undefined;
    const name = [payload.name, payload.preferred_username, email].find(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    return {
      userId: subjectUserId(this.issuer, sub),
      roles: rolesFromClaims(payload, this.rolesClaim),
      expiresAt: payload.exp! * 1000,
      ...(typeof payload.auth_time === 'number' && { signedInAt: payload.auth_time * 1000 }),
      profile: {
        email: email ?? `${sub}@${new URL(this.issuer).hostname}`,
        displayName: (name ?? sub).slice(0, 200),
      },
    };
  }

  /** Discovery on first use (the gateway starts while the IdP is down); a failed attempt is retried. */
  private keySet(): Promise<JWTVerifyGetKey> {
    this.jwks ??= this.discovery.document().then(
      (doc) =>
        createRemoteJWKSet(new URL(doc.jwksUri), {
          timeoutDuration: 5_000,
          cooldownDuration: 30_000,
          cacheMaxAge: 10 * 60_000,
        }),
      () => {
        this.jwks = undefined;
        throw new IdentityProviderUnavailableError();
      },
    );
    return this.jwks;
  }
}

/** The issuer and audience of the gateway's own access tokens (local sign-in). */
export const SESSION_ISSUER = 'urn:switchyard:gateway';
export const SESSION_TOKEN_TTL_S = 15 * 60;
const SESSION_CLOCK_TOLERANCE_S = 5;
/** The longest an access token of a session can still be accepted after it was signed. */
export const SESSION_TOKEN_MAX_LIFE_MS = (SESSION_TOKEN_TTL_S + SESSION_CLOCK_TOLERANCE_S) * 1000;

/**
 * Access tokens the gateway signs itself for local sign-in, verified with its own public key. They
 * carry the session (`sid`, the refresh-token family: logout and refresh-token reuse revoke it) and
 * when the session signed in (`auth_time`, kept across refreshes).
 */
export class SessionTokens implements AccessTokenVerifier {
  constructor(
    private readonly key: SessionSigningKey,
    private readonly now: () => number = Date.now,
  ) {}

  async sign(
    userId: string,
    sessionId: string,
    signedInAt: number,
  ): Promise<{ accessToken: string; expiresIn: number }> {
    const iat = Math.floor(this.now() / 1000);
    const accessToken = await new SignJWT({ sid: sessionId, auth_time: Math.floor(signedInAt / 1000) })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.key.kid, typ: 'at+jwt' })
      .setIssuer(SESSION_ISSUER)
      .setAudience(SESSION_ISSUER)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + SESSION_TOKEN_TTL_S)
      .sign(this.key.privateKey);
    return { accessToken, expiresIn: SESSION_TOKEN_TTL_S };
  }

  async verify(token: string): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        issuer: SESSION_ISSUER,
        audience: SESSION_ISSUER,
        algorithms: ['EdDSA'],
        clockTolerance: SESSION_CLOCK_TOLERANCE_S,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(this.now()),
      });
      return {
        userId: payload.sub!,
        expiresAt: payload.exp! * 1000,
        ...(typeof payload.sid === 'string' && { sessionId: payload.sid }),
        // tokens from before auth_time count as signed in long ago
        signedInAt: typeof payload.auth_time === 'number' ? payload.auth_time * 1000 : 0,
      };
    } catch (e) {
      throw invalidToken(e instanceof errors.JWTExpired);
    }
  }
}
