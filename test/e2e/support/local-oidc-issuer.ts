import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
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

export interface LocalOidcIssuer {
  /** The issuer URL (`iss`), e.g. http://127.0.0.1:41234/realms/switchyard */
  readonly issuer: string;
  readonly audience: string;
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

/**
 * An OIDC issuer on 127.0.0.1 made with jose: discovery document and JWKS (one RS256 key), and
 * access tokens like Keycloak's. No test reaches the internet.
 */
export async function startLocalOidcIssuer(audience = 'switchyard'): Promise<LocalOidcIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const publicPem = await exportSPKI(publicKey);
  const other = await generateKeyPair('RS256');
  let fetches = 0;
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('content-type', 'application/json');
    if (path === '/realms/switchyard/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/protocol/openid-connect/certs`,
          authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
          token_endpoint: `${issuer}/protocol/openid-connect/token`,
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    } else if (path === '/realms/switchyard/protocol/openid-connect/certs') {
      fetches += 1;
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
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
