import type { Logger } from 'pino';

/** What the gateway uses of an issuer's discovery document (OpenID Connect Discovery 1.0). */
export interface DiscoveryDocument {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly authorizationEndpoint?: string;
  readonly tokenEndpoint?: string;
  readonly endSessionEndpoint?: string;
  readonly revocationEndpoint?: string;
}

/** The discovery document cannot be fetched or is not the configured issuer's. */
export class OidcDiscoveryError extends Error {}

const optionalUrl = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  try {
    return /^https?:$/.test(new URL(value).protocol) ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The issuer's discovery document, fetched on first use (the gateway starts while the IdP is down)
 * and kept once it was good; a failed fetch is tried again by the next caller (logged once per
 * outage). One fetch serves the token verifier (the JWKS) and the portal's sign-in (authorization and
 * token endpoints).
 */
export class OidcDiscovery {
  private pending: Promise<DiscoveryDocument> | undefined;
  /** Failures since the last success are logged once (anyone can call GET /api/v1/auth/config). */
  private failing = false;

  constructor(
    private readonly issuer: string,
    private readonly discoveryUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Rejects with an OidcDiscoveryError (already logged) while the document cannot be had. */
  document(): Promise<DiscoveryDocument> {
    this.pending ??= this.fetch().then(
      (doc) => {
        if (this.failing) this.logger.info({ issuer: this.issuer }, 'OIDC discovery succeeded again');
        this.failing = false;
        return doc;
      },
      (e: unknown) => {
        this.pending = undefined;
        if (!this.failing)
          this.logger.warn(
            { err: (e as Error).message, issuer: this.issuer },
            'OIDC discovery failed (logged once until it succeeds)',
          );
        this.failing = true;
        throw e instanceof OidcDiscoveryError ? e : new OidcDiscoveryError((e as Error).message);
      },
    );
    return this.pending;
  }

  private async fetch(): Promise<DiscoveryDocument> {
    const response = await fetch(this.discoveryUrl, {
      signal: AbortSignal.timeout(5_000),
      redirect: 'error',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new OidcDiscoveryError(`discovery answered ${response.status}`);
    const doc = (await response.json()) as Record<string, unknown> | null;
    if (typeof doc !== 'object' || doc === null) throw new OidcDiscoveryError('discovery is no JSON object');
    if (doc.issuer !== this.issuer)
      throw new OidcDiscoveryError(`discovery names issuer ${String(doc.issuer)}, not ${this.issuer}`);
    const jwksUri = optionalUrl(doc.jwks_uri);
    if (!jwksUri) throw new OidcDiscoveryError('discovery has no jwks_uri');
    const authorizationEndpoint = optionalUrl(doc.authorization_endpoint);
    const tokenEndpoint = optionalUrl(doc.token_endpoint);
    const endSessionEndpoint = optionalUrl(doc.end_session_endpoint);
    const revocationEndpoint = optionalUrl(doc.revocation_endpoint);
    return {
      issuer: this.issuer,
      jwksUri,
      ...(authorizationEndpoint && { authorizationEndpoint }),
      ...(tokenEndpoint && { tokenEndpoint }),
      ...(endSessionEndpoint && { endSessionEndpoint }),
      ...(revocationEndpoint && { revocationEndpoint }),
    };
  }
}
