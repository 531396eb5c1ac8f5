import type { ProviderHealthReport, ProviderHealthStatus } from '@gw/routing';
import type { UsageSummary } from '@gw/usage-billing';

const DAY_MS = 86_400_000;

/** One UTC day's totals (today: from midnight UTC up to now), every user together. */
export interface OverviewDay {
  readonly from: string;
  readonly to: string;
  readonly requests: number;
  readonly failedRequests: number;
  readonly fallbackRequests: number;
  /** Requests that needed more than one attempt, over all requests (0 without requests). */
  readonly fallbackRate: number;
  /** Integer micro-dollars as decimal strings: what users were charged, what providers charge us. */
  readonly chargedMicros: string;
  readonly providerCostMicros: string;
}

export interface OverviewProvider {
  readonly provider: string;
  readonly name: string;
  readonly status: Exclude<ProviderHealthStatus, 'healthy'>;
  readonly enabled: boolean;
  /** Over the window, 0..1; null without attempts. */
  readonly successRate: number | null;
  readonly requests: number;
}

export interface OverviewCount {
  readonly key: string;
  readonly count: number;
}

export interface OverviewProjectionLag {
  readonly projection: string;
  /** Age of the oldest event the projection has not applied yet; 0 when caught up. */
  readonly lagSeconds: number;
}

/** GET /api/v1/admin/overview */
export interface AdminOverview {
  readonly generatedAt: string;
  readonly today: OverviewDay;
  /** The whole previous UTC day. */
  readonly yesterday: OverviewDay;
  readonly providers: {
    /** The health window the statuses are read over. */
    readonly window: '1h';
    /** Every provider of the catalog. */
    readonly total: number;
    /** Degraded or down ones: down first, then by name. */
    readonly notHealthy: readonly OverviewProvider[];
  };
  /**
   * Chat requests refused before any provider was called, as this gateway instance counted them since
   * it started (its Prometheus counters: switchyard_budget_refusals_total by reason,
   * switchyard_rate_limited_total by tier and window). Refusals are no events, so they are neither kept
   * across restarts nor summed over instances: Prometheus does that.
   */
  readonly refusals: {
    readonly since: string;
    readonly budget: { readonly total: number; readonly byReason: readonly OverviewCount[] };
    readonly rateLimit: {
      readonly total: number;
      readonly byTier: readonly OverviewCount[];
      readonly byDimension: readonly OverviewCount[];
    };
  };
  /** Every read-model projection's checkpoint against the event store's log, the largest first. */
  readonly projections: {
    readonly maxLagSeconds: number;
    readonly items: readonly OverviewProjectionLag[];
  };
}

/** Today (UTC midnight up to now) and the whole UTC day before it, as half-open ranges. */
export function utcDays(now: Date): {
  today: { from: Date; to: Date };
  yesterday: { from: Date; to: Date };
} {
  const midnight = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return {
    today: { from: new Date(midnight), to: now },
    yesterday: { from: new Date(midnight - DAY_MS), to: new Date(midnight) },
  };
}

export const toOverviewDay = (s: UsageSummary): OverviewDay => ({
  from: s.from,
  to: s.to,
  requests: s.requests,
  failedRequests: s.failedRequests,
  fallbackRequests: s.fallbackRequests,
  fallbackRate: s.fallbackRate,
  chargedMicros: s.chargedMicros,
  providerCostMicros: s.providerCostMicros,
});

const STATUS_ORDER: Readonly<Record<OverviewProvider['status'], number>> = { down: 0, degraded: 1 };

/** The providers that are not healthy: down before degraded, then by name. */
export function notHealthyProviders(report: ProviderHealthReport): OverviewProvider[] {
  return report.providers
    .flatMap((p): OverviewProvider[] =>
      p.status === 'healthy'
        ? []
        : [
            {
              provider: p.provider,
              name: p.name,
              status: p.status,
              enabled: p.enabled,
              successRate: p.successRate,
              requests: p.requests,
            },
          ],
    )
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name));
}

/** A counter's series summed by one label: largest first, then by key; zeros left out. */
export function countBy<L extends string>(
  values: ReadonlyArray<{ readonly value: number; readonly labels: Partial<Record<L, string | number>> }>,
  label: L,
): { total: number; counts: OverviewCount[] } {
  const byKey = new Map<string, number>();
  let total = 0;
  for (const { value, labels } of values) {
    if (value <= 0) continue;
    const key = String(labels[label] ?? 'unknown');
    byKey.set(key, (byKey.get(key) ?? 0) + value);
    total += value;
  }
  const counts = [...byKey].map(([key, count]) => ({ key, count }));
  counts.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return { total, counts };
}

/** Lags rounded to milliseconds, the largest first. */
export function projectionLags(
  samples: ReadonlyArray<{ readonly projection: string; readonly seconds: number }>,
): AdminOverview['projections'] {
  const items = samples
    .map((s) => ({ projection: s.projection, lagSeconds: Math.round(s.seconds * 1000) / 1000 }))
    .sort((a, b) => b.lagSeconds - a.lagSeconds || a.projection.localeCompare(b.projection));
  return { maxLagSeconds: items[0]?.lagSeconds ?? 0, items };
}
