import type { Logger } from 'pino';
import type { ConfiguredSecret } from '@gw/platform';
import { UnauthorizedError } from '@gw/shared-kernel';
import { IdentityProviderError, IdentityProviderUnavailableError, signInExpired } from './auth.errors';
import type { DiscoveryDocument, OidcDiscovery } from './oidc-discovery';

export const OIDC_SIGN_IN = Symbol('OidcSignIn');

/** What the issuer's token endpoint gave (its refresh token is the cookie's; never logged). */
export interface IssuerTokens {
  readonly accessToken: string;
  /** Seconds the access token lives, as the issuer says. */
  readonly expiresIn: number;
  readonly refreshToken?: string;
  /** Seconds the refresh token lives when the issuer says so (Keycloak's `refresh_expires_in`). */
  readonly refreshExpiresIn?: number;
}

/** Where the portal sends the browser: the issuer's pages, from its discovery document. */
export interface PortalEndpoints {
  readonly authorizationEndpoint: string;
  readonly endSessionEndpoint?: string;
}

const UNREACHABLE = 'The identity provider cannot be reached to sign in. Retry shortly.';
const TOKEN_TIMEOUT_MS = 10_000;

const sessionEnded = (): UnauthorizedError =>
  new UnauthorizedError('AUTH.INVALID_REFRESH_TOKEN', 'The session has ended; sign in again.');

/** An OAuth error code as the issuer sent it, if it looks like one (it goes into logs and details). */
const oauthError = (body: unknown): string | undefined => {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(error) ? error : undefined;
};

const positiveSeconds = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;

/**
 * The portal's sign-in against the OIDC issuer, done by the gateway on the portal's behalf
 * (authorization code + PKCE, RFC 6749/7636): the browser only visits the issuer's authorization
 * page; the gateway redeems the code and later the refresh token at the issuer's token endpoint (the
 * portal's CSP allows `connect-src 'self'` only, and the refresh token stays in an httpOnly cookie).
 * Sent with `client_secret` only when OIDC_CLIENT_SECRET is set (a confidential client).
 */
export class OidcSignIn {
  constructor(
    private readonly discovery: OidcDiscovery,
    private readonly clientId: string,
    private readonly clientSecret: ConfiguredSecret | undefined,
    private readonly logger: Logger,
  ) {}

  async portalEndpoints(): Promise<PortalEndpoints> {
    const doc = await this.document();
    if (!doc.authorizationEndpoint)
      throw new IdentityProviderError(
        "The identity provider's discovery document names no authorization_endpoint.",
      );
    return {
      authorizationEndpoint: doc.authorizationEndpoint,
      ...(doc.endSessionEndpoint && { endSessionEndpoint: doc.endSessionEndpoint }),
    };
  }

  /** The code the issuer gave the browser → tokens. A used, expired or foreign code: 401. */
  redeemCode(code: string, codeVerifier: string, redirectUri: string): Promise<IssuerTokens> {
    return this.tokenRequest(
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier },
      signInExpired,
    );
  }

  /** The cookie's refresh token → new tokens (the issuer may rotate the refresh token). Refused: 401. */
  refresh(refreshToken: string): Promise<IssuerTokens> {
    return this.tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, sessionEnded);
  }

  /**
   * Ends the refresh token at the issuer when it has a revocation endpoint (RFC 7009). Best effort:
   * the cookie is cleared whatever the issuer answers, and a failure is only logged.
   */
  async revoke(refreshToken: string): Promise<void> {
    try {
      const doc = await this.discovery.document();
      if (!doc.revocationEndpoint) return;
      const response = await fetch(doc.revocationEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: this.form({ token: refreshToken, token_type_hint: 'refresh_token' }),
        signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
        redirect: 'error',
      });
      await response.body?.cancel();
      if (!response.ok)
        this.logger.warn(
          { status: response.status },
          'the identity provider refused to revoke a refresh token',
        );
    } catch (e) {
      this.logger.warn(
        { err: (e as Error).message },
        'could not revoke a refresh token at the identity provider',
      );
    }
  }

  private async document(): Promise<DiscoveryDocument> {
    try {
      return await this.discovery.document();
    } catch {
      throw new IdentityProviderUnavailableError(
        "The identity provider's discovery document cannot be fetched, so sign-in is unavailable. Retry shortly.",
      );
    }
  }

  private form(params: Record<string, string>): string {
    return new URLSearchParams({
      ...params,
      client_id: this.clientId,
      ...(this.clientSecret && { client_secret: this.clientSecret.reveal() }),
    }).toString();
  }

  private async tokenRequest(
    params: Record<string, string>,
    refused: () => UnauthorizedError,
  ): Promise<IssuerTokens> {
    const doc = await this.document();
    if (!doc.tokenEndpoint)
      throw new IdentityProviderError("The identity provider's discovery document names no token_endpoint.");
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(doc.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: this.form(params),
        signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
        redirect: 'error',
      });
      body = await response.json().catch(() => null);
    } catch (e) {
      this.logger.warn(
        { err: (e as Error).message, grant: params.grant_type },
        'OIDC token endpoint unreachable',
      );
      throw new IdentityProviderUnavailableError(UNREACHABLE);
    }
    if (response.status >= 500) {
      this.logger.warn({ status: response.status, grant: params.grant_type }, 'OIDC token endpoint failed');
      throw new IdentityProviderUnavailableError(UNREACHABLE);
    }
    const error = oauthError(body);
    if (!response.ok || error) {
      if (error === 'invalid_grant') throw refused();
      this.logger.warn(
        { status: response.status, error, grant: params.grant_type },
        'the identity provider refused the gateway’s token request',
      );
      throw new IdentityProviderError(
        `The identity provider refused the gateway's token request (${error ?? `HTTP ${response.status}`}): ` +
          'check that OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET for a confidential client) match the ' +
          "issuer's client, with the standard flow and PKCE S256 enabled.",
      );
    }
    return this.tokensOf(body);
  }

  private tokensOf(body: unknown): IssuerTokens {
    const b = (body ?? {}) as Record<string, unknown>;
    const tokenType = typeof b.token_type === 'string' ? b.token_type : 'Bearer';
    if (
      typeof b.access_token !== 'string' ||
      b.access_token.length === 0 ||
      tokenType.toLowerCase() !== 'bearer'
    )
      throw new IdentityProviderError("The identity provider's token answer has no Bearer access_token.");
    return {
      accessToken: b.access_token,
      expiresIn: positiveSeconds(b.expires_in) ?? 300,
      ...(typeof b.refresh_token === 'string' &&
        b.refresh_token.length > 0 && { refreshToken: b.refresh_token }),
      ...(positiveSeconds(b.refresh_expires_in) && {
        refreshExpiresIn: positiveSeconds(b.refresh_expires_in),
      }),
    };
  }
}

/**
 * Whether the portal may name this redirect URI: one on the origin the request came to (its Host,
 * `https` when the request came over HTTPS), or one listed in OIDC_REDIRECT_URIS. A code the issuer
 * sent to another site cannot be redeemed here.
 */
export function redirectUriAllowed(
  redirectUri: string,
  request: { readonly host: string | undefined; readonly secure: boolean },
  allowed: readonly string[] = [],
): boolean {
  let uri: URL;
  try {
    uri = new URL(redirectUri);
  } catch {
    return false;
  }
  if (uri.hash || uri.username || uri.password) return false;
  if (allowed.includes(uri.href)) return true;
  if (!request.host) return false;
  const schemes = request.secure ? ['https:'] : ['http:', 'https:'];
  if (!schemes.includes(uri.protocol)) return false;
  let host: string;
  try {
    host = new URL(`${uri.protocol}//${request.host}`).host;
  } catch {
    return false;
  }
  return uri.host === host;
}
