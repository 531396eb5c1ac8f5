import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';

/** What a test token may say; every field has a valid default. */
export interface TokenOptions {
  readonly sub?: string;
  readonly roles?: readonly string[];
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now (negative: in the past). Default 300. */
  readonly expiresIn?: number;
  /** Seconds from now the token becomes valid (nbf); default none. */
  readonly notBefore?: number;
  readonly kid?: string;
  readonly claims?: JWTPayload;
}

/** Who signs in at the issuer's authorization page. */
export interface IssuerUser {
  readonly sub: string;
  readonly roles?: readonly string[];
  readonly email?: string;
  readonly name?: string;
  readonly username?: string;
}

export interface LocalOidcIssuerOptions {
  /** The portal's client (default `switchyard-portal`). */
  readonly clientId?: string;
  /** Set: a confidential client, whose token requests must carry this `client_secret`. */
  readonly clientSecret?: string;
  /** Redirect URIs the client may name (default: http://127.0.0.1 or localhost, any port, path /login). */
  readonly redirectUris?: RegExp;
  /** Who signs in (default a `user` with a fresh subject); change with `signInAs`. */
  readonly user?: IssuerUser;
  /** Access tokens' lifetime in seconds (default 300). */
  readonly accessTokenTtl?: number;
  /** Skip the "Continue" page: /auth redirects back at once (a `login_hint` does too). */
  readonly autoApprove?: boolean;
}

/** How the token endpoint misbehaves, for the gateway's error paths: a status, or a dropped connection. */
export type TokenEndpointFault = { status: number; body?: unknown } | 'drop-connection' | null;

export interface LocalOidcIssuer {
  /** The issuer URL (`iss`), e.g. http://127.0.0.1:41234/realms/switchyard */
  readonly issuer: string;
  readonly audience: string;
  readonly clientId: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly endSessionEndpoint: string;
  /** Who signs in at the authorization page from now on. */
  signInAs(user: IssuerUser): void;
  /** Token requests answered so far, by grant type (`authorization_code`, `refresh_token`). */
  tokenRequests(): Readonly<Record<string, number>>;
  /** Whether a refresh token the issuer gave out can still be used (not rotated, revoked or reused). */
  refreshTokenActive(token: string): boolean;
  /** Makes the token endpoint fail until called with null. */
  failTokenEndpoint(fault: TokenEndpointFault): void;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  /** A valid RS256 access token (roles in Keycloak's `realm_access.roles`). */
  token(options?: TokenOptions): Promise<string>;
  /** The same claims, unsigned: `alg: none`. */
  unsignedToken(options?: TokenOptions): string;
  /** The same claims, HS256-signed with the issuer's public key (PEM) as the HMAC secret. */
  hmacWithPublicKeyToken(options?: TokenOptions): Promise<string>;
  /** Signed by a key the JWKS does not have (a kid nobody published). */
  unknownKeyToken(options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const S256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');
const opaque = (): string => randomBytes(32).toString('base64url');
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface PendingAuthorization {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly challenge: string;
  readonly scope: string;
  readonly nonce: string | undefined;
}

interface IssuedCode extends PendingAuthorization {
  readonly user: IssuerUser;
  readonly authTime: number;
  readonly expiresAt: number;
  used: boolean;
  /** The refresh-token family the code's redemption started (revoked if the code is used again). */
  family?: string;
}

interface RefreshGrant {
  readonly family: string;
  readonly user: IssuerUser;
  readonly authTime: number;
  readonly scope: string;
  used: boolean;
}

/**
 * An OIDC issuer on 127.0.0.1 made with jose, laid out like a Keycloak realm: discovery document and
 * JWKS (one RS256 key), access tokens like Keycloak's, and a small authorization server for the
 * portal's authorization code + PKCE flow — an authorization page (`…/auth`: checks client_id,
 * redirect_uri and an S256 code_challenge; a "Continue" button, or at once with `login_hint` or
 * `autoApprove`), a token endpoint (`authorization_code` with the PKCE check, one use per code;
 * `refresh_token`, rotated, a reused one revokes its family), revocation (RFC 7009) and an end-session
 * page. No test reaches the internet.
 */
export async function startLocalOidcIssuer(
  audience = 'switchyard',
  options: LocalOidcIssuerOptions = {},
): Promise<LocalOidcIssuer> {
  const clientId = options.clientId ?? 'switchyard-portal';
  const redirectUris = options.redirectUris ?? /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/login$/;
  const accessTokenTtl = options.accessTokenTtl ?? 300;
  let user: IssuerUser = options.user ?? { sub: `oidc-${randomUUID()}`, roles: ['user'] };
  const pending = new Map<string, PendingAuthorization>();
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, RefreshGrant>();
  const revokedFamilies = new Set<string>();
  const requests: Record<string, number> = {};
  let fault: TokenEndpointFault = null;
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const publicPem = await exportSPKI(publicKey);
  const other = await generateKeyPair('RS256');
  let fetches = 0;
  let issuer = '';
  const oidcPath = '/realms/switchyard/protocol/openid-connect';
  const server: Server = createServer((req, res) => {
    void route(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'server_error' });
    });
  });
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/realms/switchyard/.well-known/openid-configuration') {
      json(res, 200, {
        issuer,
        jwks_uri: `${issuer}/protocol/openid-connect/certs`,
        authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
        token_endpoint: `${issuer}/protocol/openid-connect/token`,
        revocation_endpoint: `${issuer}/protocol/openid-connect/revoke`,
        end_session_endpoint: `${issuer}/protocol/openid-connect/logout`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    } else if (path === `${oidcPath}/certs`) {
      fetches += 1;
      json(res, 200, { keys: [jwk] });
    } else if (path === `${oidcPath}/auth` && req.method === 'GET') {
      authorize(url.searchParams, res);
    } else if (path === `${oidcPath}/auth` && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const request = pending.get(form.get('request_id') ?? '');
      if (!request) return html(res, 400, '<h1>This sign-in has expired</h1>');
      pending.delete(form.get('request_id')!);
      redirectWithCode(res, request);
    } else if (path === `${oidcPath}/token` && req.method === 'POST') {
      await token(req, res);
    } else if (path === `${oidcPath}/revoke` && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const grant = refreshTokens.get(form.get('token') ?? '');
      if (form.get('client_id') !== clientId) return json(res, 401, { error: 'invalid_client' });
      if (grant) revokedFamilies.add(grant.family);
      res.statusCode = 200;
      res.end();
    } else if (path === `${oidcPath}/logout`) {
      html(res, 200, '<h1>Signed out</h1>');
    } else {
      json(res, 404, {});
    }
  };

  /** GET …/auth: a bad client or redirect URI is shown here; other errors go back to the redirect URI. */
  const authorize = (q: URLSearchParams, res: ServerResponse): void => {
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== clientId) return html(res, 400, '<h1>Unknown client</h1>');
    if (!redirectUris.test(redirectUri)) return html(res, 400, '<h1>Invalid redirect_uri</h1>');
    const state = q.get('state') ?? undefined;
    const back = (error: string): void => {
      const to = new URL(redirectUri);
      to.searchParams.set('error', error);
      if (state !== undefined) to.searchParams.set('state', state);
      res.writeHead(302, { location: to.toString() }).end();
    };
    if (q.get('response_type') !== 'code') return back('unsupported_response_type');
    const challenge = q.get('code_challenge') ?? '';
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
      return back('invalid_request');
    const request: PendingAuthorization = {
      clientId,
      redirectUri,
      state,
      challenge,
      scope: q.get('scope') ?? 'openid',
      nonce: q.get('nonce') ?? undefined,
    };
    if (options.autoApprove || q.has('login_hint')) return redirectWithCode(res, request);
    const requestId = opaque();
    pending.set(requestId, request);
    const who = escapeHtml(user.name ?? user.username ?? user.sub);
    html(
      res,
      200,
      `<h1>Sign in to Switchyard (test issuer)</h1><p>You are signing in as <strong>${who}</strong>.</p>` +
        `<form method="post" action="${oidcPath}/auth"><input type="hidden" name="request_id" value="${requestId}">` +
        '<button type="submit">Continue</button></form>',
    );
  };

  const redirectWithCode = (res: ServerResponse, request: PendingAuthorization): void => {
    const code = opaque();
    codes.set(code, {
      ...request,
      user,
      authTime: Math.floor(Date.now() / 1000),
      expiresAt: Date.now() + 60_000,
      used: false,
    });
    const to = new URL(request.redirectUri);
    to.searchParams.set('code', code);
    if (request.state !== undefined) to.searchParams.set('state', request.state);
    to.searchParams.set('iss', issuer);
    res.writeHead(302, { location: to.toString() }).end();
  };

  /** POST …/token: client authentication, then the grant. */
  const token = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = new URLSearchParams(await readBody(req));
    const grantType = form.get('grant_type') ?? '';
    requests[grantType] = (requests[grantType] ?? 0) + 1;
    if (fault === 'drop-connection') {
      req.socket.destroy();
      return;
    }
    if (fault) return json(res, fault.status, fault.body ?? { error: 'temporarily_unavailable' });
    if (
      form.get('client_id') !== clientId ||
      (options.clientSecret !== undefined && form.get('client_secret') !== options.clientSecret)
    )
      return json(res, 401, { error: 'invalid_client' });
    if (grantType === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      if (!code || code.expiresAt < Date.now()) return json(res, 400, { error: 'invalid_grant' });
      if (code.used) {
        // RFC 6749 §4.1.2: a code used twice revokes what it gave out
        if (code.family) revokedFamilies.add(code.family);
        return json(res, 400, { error: 'invalid_grant', error_description: 'Code already used' });
      }
      code.used = true;
      if (form.get('redirect_uri') !== code.redirectUri)
        return json(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
      if (S256(form.get('code_verifier') ?? '') !== code.challenge)
        return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      code.family = randomUUID();
      return json(
        res,
        200,
        await tokensFor(
          { family: code.family, user: code.user, authTime: code.authTime, scope: code.scope, used: false },
          code.nonce,
        ),
      );
    }
    if (grantType === 'refresh_token') {
      const grant = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!grant || revokedFamilies.has(grant.family)) return json(res, 400, { error: 'invalid_grant' });
      if (grant.used) {
        revokedFamilies.add(grant.family);
        return json(res, 400, { error: 'invalid_grant', error_description: 'Refresh token reused' });
      }
      grant.used = true;
      return json(res, 200, await tokensFor({ ...grant, used: false }));
    }
    return json(res, 400, { error: 'unsupported_grant_type' });
  };

  const tokensFor = async (grant: RefreshGrant, nonce?: string): Promise<Record<string, unknown>> => {
    const refreshToken = opaque();
    refreshTokens.set(refreshToken, grant);
    const u = grant.user;
    const profile = {
      jti: randomUUID(),
      auth_time: grant.authTime,
      azp: clientId,
      scope: grant.scope,
      preferred_username: u.username ?? u.sub,
      ...(u.email && { email: u.email }),
      ...(u.name && { name: u.name }),
    };
    const accessToken = await sign(
      privateKey,
      { sub: u.sub, roles: u.roles ?? ['user'], expiresIn: accessTokenTtl, claims: profile },
      kid,
    );
    const idToken = await sign(
      privateKey,
      {
        sub: u.sub,
        audience: clientId,
        expiresIn: accessTokenTtl,
        claims: { ...profile, ...(nonce && { nonce }) },
      },
      kid,
    );
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: accessTokenTtl,
      refresh_token: refreshToken,
      refresh_expires_in: 1800,
      id_token: idToken,
      scope: grant.scope,
    };
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/switchyard`;

  const claimsOf = (o: TokenOptions): JWTPayload => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: o.issuer ?? issuer,
      aud: o.audience ?? audience,
      sub: o.sub ?? randomUUID(),
      iat: now,
      exp: now + (o.expiresIn ?? 300),
      ...(o.notBefore !== undefined && { nbf: now + o.notBefore }),
      realm_access: { roles: [...(o.roles ?? ['user']), 'offline_access'] },
      preferred_username: 'tester',
      ...o.claims,
    };
  };
  const sign = (key: KeyLike, o: TokenOptions, keyId: string) =>
    new SignJWT(claimsOf(o)).setProtectedHeader({ alg: 'RS256', kid: keyId, typ: 'JWT' }).sign(key);

  return {
    issuer,
    audience,
    clientId,
    authorizationEndpoint: `${issuer}/protocol/openid-connect/auth`,
    tokenEndpoint: `${issuer}/protocol/openid-connect/token`,
    endSessionEndpoint: `${issuer}/protocol/openid-connect/logout`,
    signInAs: (next) => {
      user = next;
    },
    tokenRequests: () => ({ ...requests }),
    refreshTokenActive: (t) => {
      const grant = refreshTokens.get(t);
      return grant !== undefined && !grant.used && !revokedFamilies.has(grant.family);
    },
    failTokenEndpoint: (next) => {
      fault = next;
    },
    jwksFetches: () => fetches,
    token: (o = {}) => sign(privateKey, o, o.kid ?? kid),
    unsignedToken: (o = {}) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claimsOf(o))}.`,
    hmacWithPublicKeyToken: async (o = {}) => {
      const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url(claimsOf(o))}`;
      return `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    },
    unknownKeyToken: (o = {}) => sign(other.privateKey, o, o.kid ?? 'nobody-published-this'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test issuer</title></head><body>${body}</body></html>`,
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
