/**
 * The provider-health read model's contract (shared by the admin providers page, the admin overview
 * and the user catalog). All numbers are JSON numbers; times are ISO strings.
 */
export type HealthWindow = '1h' | '24h' | '7d';
export const HEALTH_WINDOWS: readonly HealthWindow[] = ['1h', '24h', '7d'];
export const isHealthWindow = (value: unknown): value is HealthWindow =>
  typeof value === 'string' && (HEALTH_WINDOWS as readonly string[]).includes(value);

export type ProviderHealthStatus = 'healthy' | 'degraded' | 'down';

/** Milliseconds; null without samples. */
export interface LatencyPercentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export interface HealthErrorCounts {
  readonly rateLimited: number;
  readonly serverError: number;
  readonly timeout: number;
  readonly auth: number;
  readonly other: number;
}

export interface HealthStats {
  /** Upstream attempts in the window (a fallback hop counts at the provider that failed it). */
  readonly requests: number;
  readonly successes: number;
  /** successes / requests, 0..1; null without attempts. */
  readonly successRate: number | null;
  /** Failed attempts by kind: 429, 5xx, timeout, 401/403, anything else. */
  readonly errors: HealthErrorCounts;
  readonly latencyMs: LatencyPercentiles;
  readonly ttftMs: LatencyPercentiles;
}

export type HealthCredential = 'platform' | 'byok';

export interface CredentialHealthSummary extends HealthStats {
  /** 'platform' (the provider's platform key) or 'byok' (all callers' own keys together). */
  readonly credential: HealthCredential;
}

export interface ProviderHealthLastChange {
  readonly kind: 'degraded' | 'recovered';
  readonly at: string;
  readonly reason: string;
}

export interface ProviderHealthSummary extends HealthStats {
  /** Provider slug. */
  readonly provider: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly status: ProviderHealthStatus;
  /** Share of the window's minutes with a healthy (closed) breaker, 0..1. */
  readonly uptime: number;
  readonly lastChange: ProviderHealthLastChange | null;
  readonly credentials: readonly CredentialHealthSummary[];
}

/** GET /api/v1/admin/providers/health?window=1h|24h|7d (default 24h). */
export interface ProviderHealthReport {
  readonly window: HealthWindow;
  readonly from: string;
  readonly to: string;
  readonly providers: readonly ProviderHealthSummary[];
}

export interface ProviderHealthPoint {
  /** Bucket start, ISO. */
  readonly at: string;
  readonly requests: number;
  readonly failures: number;
  readonly latencyP95Ms: number | null;
  /** False when the breaker was open at any time in the bucket. */
  readonly healthy: boolean;
}

/** The read-model part of GET /api/v1/admin/providers/:slug/health (the controller adds the breaker snapshot). */
export interface ProviderHealthDetail {
  readonly window: HealthWindow;
  readonly from: string;
  readonly to: string;
  readonly summary: ProviderHealthSummary;
  /** 1h: 60 one-minute buckets; 24h: 24 hourly; 7d: 168 hourly; oldest first. */
  readonly series: readonly ProviderHealthPoint[];
}
