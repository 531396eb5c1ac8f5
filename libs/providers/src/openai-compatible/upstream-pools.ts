import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { buildConnector, Pool } from 'undici';
import { checkUpstreamAddress, type UpstreamAddressRule, type UpstreamTrust } from '@gw/shared-kernel';
import { UpstreamError } from '../upstream-error';

/** Resolves a host name to all of its addresses (`dns.lookup` with `all: true` by default). */
export type ResolveAll = (hostname: string, options: LookupOptions) => Promise<readonly LookupAddress[]>;

export interface UpstreamPoolOptions {
  /** Most sockets per origin; null for no limit (requests queue in the pool beyond it). */
  readonly connectionsPerOrigin: number | null;
  /** How long an idle socket is kept; the server's `Keep-Alive: timeout` hint wins when lower. */
  readonly keepAliveTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Hosts whose loopback or private addresses user-supplied URLs may reach (ALLOWED_UPSTREAM_HOSTS). */
  readonly allowedHosts?: ReadonlySet<string>;
  /** How host names are resolved before the address check; tests inject a fake DNS here. */
  readonly resolveAll?: ResolveAll;
}

/** Where chat completions of one base URL go: the origin's shared pool and the request path. */
export interface ChatEndpoint {
  readonly pool: Pool;
  readonly path: string;
}

/**
 * A connection refused by the address policy. Its message names the host and the kind of address,
 * never the URL (whose path or query may hold secrets).
 */
export class ForbiddenUpstreamAddressError extends Error {
  readonly code = 'SWITCHYARD_FORBIDDEN_ADDRESS';
}

const defaultResolveAll: ResolveAll = (hostname, options) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * An undici connector that checks the address it is about to connect to: an IP literal as it is, a
 * host name on every address DNS gives for it (one forbidden address refuses the connection, so a
 * rebinding answer that mixes a public and a metadata address gets nowhere). The socket then connects
 * to exactly the addresses that were checked (they are what `net.connect` gets from this lookup), and
 * TLS still verifies the certificate against the host name (servername is untouched).
 */
export function guardedConnector(
  rule: UpstreamAddressRule,
  connectTimeoutMs: number,
  resolveAll: ResolveAll = defaultResolveAll,
): buildConnector.connector {
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolveAll(hostname, options).then(
      (addresses) => {
        for (const { address } of addresses) {
          const verdict = checkUpstreamAddress(hostname, address, rule);
          if (!verdict.allowed) return callback(new ForbiddenUpstreamAddressError(verdict.reason), '');
        }
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '');
        if (options.all) callback(null, [...addresses]);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
  const connect = buildConnector({ timeout: connectTimeoutMs, lookup });
  return (options, callback) => {
    // net.connect does no lookup for an IP literal, so those are checked here.
    if (isIP(options.hostname) !== 0) {
      const verdict = checkUpstreamAddress(options.hostname, options.hostname, rule);
      if (!verdict.allowed) return callback(new ForbiddenUpstreamAddressError(verdict.reason), null);
    }
    connect(options, callback);
  };
}

/**
 * One keep-alive undici Pool per origin (and trust), created on first use and reused by every request
 * to that origin. Base URLs are resolved once and cached, so the hot path is a single Map lookup; the
 * address check runs once per new connection, in the pool's connector.
 */
export class UpstreamPools {
  private readonly endpoints = new Map<string, ChatEndpoint>();
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: UpstreamPoolOptions) {}

  /** Throws a `connection` UpstreamError (without the URL, which may hold secrets) for an unusable base URL. */
  chatEndpoint(baseUrl: string, providerSlug: string, trust: UpstreamTrust = 'admin'): ChatEndpoint {
    return this.endpoints.get(`${trust} ${baseUrl}`) ?? this.resolve(baseUrl, providerSlug, trust);
  }

  /** Number of origins with a pool. */
  get size(): number {
    return this.pools.size;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.endpoints.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  private resolve(baseUrl: string, providerSlug: string, trust: UpstreamTrust): ChatEndpoint {
    const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new UpstreamError({
        kind: 'connection',
        providerSlug,
        upstreamMessage: 'the provider has no valid http(s) base URL',
      });
    }
    const poolKey = `${trust} ${url.origin}`;
    let pool = this.pools.get(poolKey);
    if (!pool) {
      const rule = { trust, allowedHosts: this.options.allowedHosts };
      pool = new Pool(url.origin, {
        connections: this.options.connectionsPerOrigin,
        pipelining: 1,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        keepAliveMaxTimeout: Math.max(this.options.keepAliveTimeoutMs, 600_000),
        connect: guardedConnector(rule, this.options.connectTimeoutMs, this.options.resolveAll),
      });
      this.pools.set(poolKey, pool);
    }
    const endpoint: ChatEndpoint = {
      pool,
      path: `${url.pathname.replace(/\/+$/, '')}/chat/completions${url.search}`,
    };
    this.endpoints.set(`${trust} ${baseUrl}`, endpoint);
    return endpoint;
  }
}
