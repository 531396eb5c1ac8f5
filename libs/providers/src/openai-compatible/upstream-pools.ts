import { Pool } from 'undici';
import { UpstreamError } from '../upstream-error';

export interface UpstreamPoolOptions {
  /** Most sockets per origin; null for no limit (requests queue in the pool beyond it). */
  readonly connectionsPerOrigin: number | null;
  /** How long an idle socket is kept; the server's `Keep-Alive: timeout` hint wins when lower. */
  readonly keepAliveTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** Where chat completions of one base URL go: the origin's shared pool and the request path. */
export interface ChatEndpoint {
  readonly pool: Pool;
  readonly path: string;
}

/**
 * One keep-alive undici Pool per origin, created on first use and reused by every request to that
 * origin. Base URLs are resolved once and cached, so the hot path is a single Map lookup.
 */
export class UpstreamPools {
  private readonly endpoints = new Map<string, ChatEndpoint>();
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: UpstreamPoolOptions) {}

  /** Throws a `connection` UpstreamError (without the URL, which may hold secrets) for an unusable base URL. */
  chatEndpoint(baseUrl: string, providerSlug: string): ChatEndpoint {
    return this.endpoints.get(baseUrl) ?? this.resolve(baseUrl, providerSlug);
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

  private resolve(baseUrl: string, providerSlug: string): ChatEndpoint {
    const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new UpstreamError({
        kind: 'connection',
        providerSlug,
        upstreamMessage: 'the provider has no valid http(s) base URL',
      });
    }
    let pool = this.pools.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, {
        connections: this.options.connectionsPerOrigin,
        pipelining: 1,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        keepAliveMaxTimeout: Math.max(this.options.keepAliveTimeoutMs, 600_000),
        connect: { timeout: this.options.connectTimeoutMs },
      });
      this.pools.set(url.origin, pool);
    }
    const endpoint: ChatEndpoint = {
      pool,
      path: `${url.pathname.replace(/\/+$/, '')}/chat/completions${url.search}`,
    };
    this.endpoints.set(baseUrl, endpoint);
    return endpoint;
  }
}
