import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError, UnauthorizedError, ValidationError } from '@gw/shared-kernel';
import type { GatewayConfig } from '@gw/platform';
import { clientOf } from '../http/client-address';
import { dtoSchema } from '../http/openapi';
import { ApiNoContent, ApiView } from '../http/openapi-views';
import { validateDto } from '../http/validate-dto';
import { GATEWAY_CONFIG } from '../runtime/runtime.tokens';
import { LoginDto, OidcTokenDto } from './auth.dto';
import { IdentityProviderError } from './auth.errors';
import { LOCAL_SIGN_IN, REFRESH_TOKEN_TTL_MS, type LocalSignIn } from './local-sign-in';
import { OIDC_SIGN_IN, redirectUriAllowed, type IssuerTokens, type OidcSignIn } from './oidc-sign-in';
import { hashToken, TokenAuthenticator } from './token-authenticator';

export const REFRESH_COOKIE = 'switchyard_refresh';
const COOKIE_PATH = '/api/v1/auth';

export type AuthConfigView =
  | {
      mode: 'oidc';
      issuer: string;
      clientId: string;
      audience: string;
      scopes: string[];
      authorizationEndpoint: string;
      endSessionEndpoint?: string;
    }
  | { mode: 'local'; loginUrl: string; refreshUrl: string; logoutUrl: string };

export interface AccessTokenView {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** A token answer: the access token, and the refresh token for the cookie (never in the body). */
interface Tokens {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken?: string;
  /** The cookie's Max-Age in seconds. */
  readonly refreshMaxAge: number;
}

/**
 * Sign-in for the portal: which flow (OIDC or local); the local flow (password); the OIDC flow's
 * code exchange (authorization code + PKCE, redeemed here at the issuer). Refresh and logout serve
 * both: the refresh cookie holds the gateway's refresh token or the issuer's.
 */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOCAL_SIGN_IN) private readonly signIn: LocalSignIn | null,
    @Inject(OIDC_SIGN_IN) private readonly oidcSignIn: OidcSignIn | null,
    private readonly tokens: TokenAuthenticator,
  ) {}

  /**
   * No authentication: tells the portal whether to send the user to the OIDC issuer (its
   * authorization endpoint, from the discovery document: 503 while that cannot be fetched) or ask here.
   */
  @ApiView('AuthConfigView')
  @Get('config')
  async authConfig(): Promise<AuthConfigView> {
    if (this.config.oidcIssuerUrl && this.config.oidc && this.oidcSignIn)
      return {
        mode: 'oidc',
        issuer: this.config.oidcIssuerUrl,
        clientId: this.config.oidc.clientId,
        audience: this.config.oidc.audience,
        scopes: ['openid', 'profile', 'email'],
        ...(await this.oidcSignIn.portalEndpoints()),
      };
    return {
      mode: 'local',
      loginUrl: `${COOKIE_PATH}/login`,
      refreshUrl: `${COOKIE_PATH}/refresh`,
      logoutUrl: `${COOKIE_PATH}/logout`,
    };
  }

  @ApiBody({ schema: dtoSchema('LoginDto') })
  @ApiView('AccessTokenView')
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenView> {
    const dto = validateDto(LoginDto, body, { strict: true });
    const signedIn = await this.local().login(dto.username, dto.password, clientOf(request).address);
    return this.answer(request, reply, { ...signedIn, refreshMaxAge: REFRESH_TOKEN_TTL_MS / 1000 });
  }

  /**
   * OIDC mode: the code the issuer sent the browser back to `/login` with, and the PKCE verifier →
   * the issuer's access token (checked like every API call's) and its refresh token in the cookie.
   * The redirect URI must be on this request's origin (or in OIDC_REDIRECT_URIS).
   */
  @ApiBody({ schema: dtoSchema('OidcTokenDto') })
  @ApiView('AccessTokenView')
  @Post('oidc/token')
  @HttpCode(200)
  async oidcToken(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenView> {
    const oidc = this.oidc();
    const dto = validateDto(OidcTokenDto, body, { strict: true });
    const origin = { host: request.headers.host, secure: clientOf(request).secure };
    if (!redirectUriAllowed(dto.redirectUri, origin, this.config.oidc?.redirectUris))
      throw new ValidationError(
        'AUTH.REDIRECT_URI_NOT_ALLOWED',
        "redirectUri must be on this gateway's origin (or listed in OIDC_REDIRECT_URIS)",
        { param: 'redirectUri' },
      );
    const issued = await oidc.redeemCode(dto.code, dto.codeVerifier, dto.redirectUri);
    return this.answer(request, reply, await this.accepted(issued));
  }

  /**
   * The refresh cookie → a new access token and a new cookie: local mode uses the gateway's refresh
   * token up; OIDC mode refreshes at the issuer (its new refresh token replaces the cookie's).
   */
  @ApiView('AccessTokenView')
  @Post('refresh')
  @HttpCode(200)
  async refresh(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenView> {
    try {
      if (this.oidcSignIn)
        return this.answer(request, reply, await this.refreshAtIssuer(this.oidcSignIn, request));
      const signedIn = await this.local().refresh(refreshCookieOf(request));
      return this.answer(request, reply, { ...signedIn, refreshMaxAge: REFRESH_TOKEN_TTL_MS / 1000 });
    } catch (e) {
      // An issuer that cannot be reached ends no session: the cookie stays for the next try.
      if (
        !this.oidcSignIn ||
        (e instanceof DomainError && (e.kind === 'unauthorized' || e.kind === 'forbidden'))
      )
        clearCookie(reply);
      throw e;
    }
  }

  /**
   * Ends the session of the refresh cookie and of the `Authorization: Bearer` access token (either or
   * both) and clears the cookie: their refresh tokens at once, their access tokens on every instance
   * within seconds (the revoked-session list).
   */
  @ApiNoContent()
  @Post('logout')
  @HttpCode(204)
  async logout(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    if (this.oidcSignIn) {
      const refreshToken = refreshCookieOf(request);
      if (refreshToken) await this.oidcSignIn.revoke(refreshToken);
    } else await this.signIn?.logout(refreshCookieOf(request), bearerOf(request));
    clearCookie(reply);
  }

  private local(): LocalSignIn {
    if (!this.signIn)
      throw new NotFoundError(
        'AUTH.LOCAL_SIGN_IN_OFF',
        'This gateway signs in through its OIDC issuer (see GET /api/v1/auth/config), not with passwords',
      );
    return this.signIn;
  }

  private oidc(): OidcSignIn {
    if (!this.oidcSignIn)
      throw new NotFoundError(
        'AUTH.OIDC_SIGN_IN_OFF',
        'This gateway signs in with passwords (see GET /api/v1/auth/config): no OIDC issuer is configured',
      );
    return this.oidcSignIn;
  }

  private async refreshAtIssuer(oidc: OidcSignIn, request: FastifyRequest): Promise<Tokens> {
    const refreshToken = refreshCookieOf(request);
    if (!refreshToken)
      throw new UnauthorizedError('AUTH.INVALID_REFRESH_TOKEN', 'The session has ended; sign in again.');
    const issued = await oidc.refresh(refreshToken);
    // An issuer that does not rotate refresh tokens answers without one: the cookie keeps its own.
    return this.accepted({ ...issued, refreshToken: issued.refreshToken ?? refreshToken });
  }

  /**
   * The issuer's access token, checked by the authenticator every API call goes through (which also
   * opens the account of a new subject), so the portal never holds a token the gateway refuses.
   */
  private async accepted(issued: IssuerTokens): Promise<Tokens> {
    try {
      await this.tokens.authenticate(issued.accessToken, hashToken(issued.accessToken));
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      throw new IdentityProviderError(
        "The identity provider's access token is not accepted by this gateway: check OIDC_ISSUER_URL, " +
          "OIDC_AUDIENCE (the token's aud) and the issuer's signing algorithm.",
      );
    }
    return {
      accessToken: issued.accessToken,
      expiresIn: issued.expiresIn,
      ...(issued.refreshToken && { refreshToken: issued.refreshToken }),
      refreshMaxAge: issued.refreshExpiresIn ?? REFRESH_TOKEN_TTL_MS / 1000,
    };
  }

  private answer(request: FastifyRequest, reply: FastifyReply, tokens: Tokens): AccessTokenView {
    if (tokens.refreshToken)
      void reply.header(
        'set-cookie',
        serializeCookie(REFRESH_COOKIE, tokens.refreshToken, {
          httpOnly: true,
          sameSite: 'strict',
          // HTTPS here, or X-Forwarded-Proto from a trusted proxy (TRUSTED_PROXIES)
          secure: clientOf(request).secure,
          path: COOKIE_PATH,
          maxAge: tokens.refreshMaxAge,
        }),
      );
    void reply.header('cache-control', 'no-store');
    return { accessToken: tokens.accessToken, tokenType: 'Bearer', expiresIn: tokens.expiresIn };
  }
}

function bearerOf(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function refreshCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  return header ? parseCookies(header)[REFRESH_COOKIE] : undefined;
}

function clearCookie(reply: FastifyReply): void {
  void reply.header(
    'set-cookie',
    serializeCookie(REFRESH_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: COOKIE_PATH, maxAge: 0 }),
  );
}
