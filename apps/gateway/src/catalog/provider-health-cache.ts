import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { GetProviderHealthReportQuery, ListModelLatencyQuery, type ProviderHealthStatus } from '@gw/routing';
import { LOGGER } from '../runtime/runtime.tokens';

/** What the user catalog reads from the provider-health read model. */
export interface CatalogHealth {
  /** Per provider slug: its status (healthy / degraded / down). */
  readonly status: ReadonlyMap<string, ProviderHealthStatus>;
  /** Per model id: the p50 latency of its answers over the last 24 hours (ms). */
  readonly p50LatencyMs: ReadonlyMap<string, number>;
}

const EMPTY: CatalogHealth = { status: new Map(), p50LatencyMs: new Map() };

/** How long an answer is reused: the catalog never queries the read model more often than this. */
export const CATALOG_HEALTH_TTL_MS = 5_000;

/**
 * The provider-health read model as the user catalog reads it, cached for CATALOG_HEALTH_TTL_MS (one
 * refresh at a time). Off the chat hot path: only GET /api/v1/catalog/models asks. A failed refresh
 * is logged and answers the last good value (empty before the first: callers fall back to memory).
 */
@Injectable()
export class ProviderHealthCache {
  private value: CatalogHealth | undefined;
  private at = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<CatalogHealth> | undefined;

  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  current(nowMs = Date.now()): Promise<CatalogHealth> {
    if (this.value && nowMs - this.at < CATALOG_HEALTH_TTL_MS) return Promise.resolve(this.value);
    return (this.refreshing ??= this.refresh(nowMs).finally(() => (this.refreshing = undefined)));
  }

  private async refresh(nowMs: number): Promise<CatalogHealth> {
    try {
      const report = await this.queries.execute(new GetProviderHealthReportQuery('24h'));
      const models = await this.queries.execute(new ListModelLatencyQuery('24h'));
      this.value = {
        status: new Map(report.providers.map((p) => [p.provider, p.status])),
        p50LatencyMs: new Map(
          models.flatMap((m) => (m.latencyMs.p50 === null ? [] : [[m.modelId, m.latencyMs.p50] as const])),
        ),
      };
      this.at = nowMs;
      return this.value;
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'could not read the provider-health read model');
      return this.value ?? EMPTY;
    }
  }
}
