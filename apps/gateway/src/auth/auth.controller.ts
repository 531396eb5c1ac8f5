import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '@gw/shared-kernel';
import type { GatewayConfig } from '@gw/platform';
import { clientOf } from '../http/client-address';
import { dtoSchema } from '../http/openapi';
import { validateDto } from '../http/validate-dto';
import { GATEWAY_CONFIG } from '../runtime/runtime.tokens';
import { LoginDto } from './auth.dto';
import { LOCAL_SIGN_IN, REFRESH_TOKEN_TTL_MS, type LocalSignIn, type SignedIn } from './local-sign-in';

export const REFRESH_COOKIE = 'switchyard_refresh';
const COOKIE_PATH = '/api/v1/auth';

export type AuthConfigView =
  | { mode: 'oidc'; issuer: string; clientId: string; audience: string; scopes: string[] }
  | { mode: 'local'; loginUrl: string; refreshUrl: string; logoutUrl: string };

export interface AccessTokenView {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Sign-in for the portal: which flow (OIDC or local), and the local flow itself. */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOCAL_SIGN_IN) private readonly signIn: LocalSignIn | null,
  ) {}

  /** No authentication: tells the portal whether to send the user to the OIDC issuer or ask here. */
  @Get('config')
  authConfig(): AuthConfigView {
    if (this.config.oidcIssuerUrl && this.config.oidc)
      return {
        mode: 'oidc',
        issuer: this.config.oidcIssuerUrl,
        clientId: this.config.oidc.clientId,
        audience: this.config.oidc.audience,
        scopes: ['openid', 'profile', 'email'],
      };
    return {
      mode: 'local',
      loginUrl: `${COOKIE_PATH}/login`,
      refreshUrl: `${COOKIE_PATH}/refresh`,
      logoutUrl: `${COOKIE_PATH}/logout`,
    };
  }

  @ApiBody({ schema: dtoSchema('LoginDto') })
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenView> {
    const dto = validateDto(LoginDto, body, { strict: true });
    const signedIn = await this.local().login(dto.username, dto.password, clientOf(request).address);
    return this.answer(request, reply, signedIn);
  }

  /** The refresh cookie → a new access token and a new cookie (the old one is used up). */
  @Post('refresh')
  @HttpCode(200)
  async refresh(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenView> {
    try {
      return this.answer(request, reply, await this.local().refresh(refreshCookieOf(request)));
    } catch (e) {
      clearCookie(reply);
      throw e;
    }
  }

  /**
   * Ends the session of the refresh cookie and of the `Authorization: Bearer` access token (either or
   * both) and clears the cookie: their refresh tokens at once, their access tokens on every instance
   * within seconds (the revoked-session list).
   */
  @Post('logout')
  @HttpCode(204)
  async logout(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.signIn?.logout(refreshCookieOf(request), bearerOf(request));
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

  private answer(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn): AccessTokenView {
    void reply.header(
      'set-cookie',
      serializeCookie(REFRESH_COOKIE, signedIn.refreshToken, {
        httpOnly: true,
        sameSite: 'strict',
        // HTTPS here, or X-Forwarded-Proto from a trusted proxy (TRUSTED_PROXIES)
        secure: clientOf(request).secure,
        path: COOKIE_PATH,
        maxAge: REFRESH_TOKEN_TTL_MS / 1000,
      }),
    );
    void reply.header('cache-control', 'no-store');
    return { accessToken: signedIn.accessToken, tokenType: 'Bearer', expiresIn: signedIn.expiresIn };
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
