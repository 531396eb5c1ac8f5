import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { readModelProjections } from '@gw/platform';
import { measureProjectionLag, readProjectionCheckpoint } from '@gw/projections';
import { GetProviderHealthReportQuery } from '@gw/routing';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { GetUsageSummaryQuery } from '@gw/usage-billing';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { ApiView } from '../http/openapi-views';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import {
  countBy,
  notHealthyProviders,
  projectionLags,
  toOverviewDay,
  utcDays,
  type AdminOverview,
} from './admin-overview';

/**
 * Admin: the start page's numbers in one answer. Usage from the rollups (every user, UTC days),
 * provider statuses from the provider-health read model over the last hour, refusals from this
 * instance's counters, projection lag from the checkpoints against the event store's log.
 */
@ApiTags('admin: overview')
@ApiBearerAuth()
@Controller('api/v1/admin/overview')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class AdminOverviewController {
  /** When this instance's refusal counters started (they live as long as the process's metrics). */
  private readonly startedAt: Date;

  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KNEX) private readonly knex: Knex,
  ) {
    this.startedAt = clock.now();
  }

  @ApiView('AdminOverview')
  @Get()
  async overview(): Promise<AdminOverview> {
    const now = this.clock.now();
    const days = utcDays(now);
    const all = { kind: 'all' } as const;
    const [today, yesterday, health, budget, rateLimited, lag] = await Promise.all([
      this.queries.execute(new GetUsageSummaryQuery(all, days.today)),
      this.queries.execute(new GetUsageSummaryQuery(all, days.yesterday)),
      this.queries.execute(new GetProviderHealthReportQuery('1h')),
      this.metrics.budgetRefusals.get(),
      this.metrics.rateLimited.get(),
      this.projectionLag(),
    ]);
    const byReason = countBy(budget.values, 'reason');
    const byTier = countBy(rateLimited.values, 'tier');
    return {
      generatedAt: now.toISOString(),
      today: toOverviewDay(today),
      yesterday: toOverviewDay(yesterday),
      providers: { window: '1h', total: health.providers.length, notHealthy: notHealthyProviders(health) },
      refusals: {
        since: this.startedAt.toISOString(),
        budget: { total: byReason.total, byReason: byReason.counts },
        rateLimit: {
          total: byTier.total,
          byTier: byTier.counts,
          byDimension: countBy(rateLimited.values, 'dimension').counts,
        },
      },
      projections: projectionLags(lag),
    };
  }

  /** Each read model's stored checkpoint (in-process or the projector's) against the store's log. */
  private async projectionLag(): Promise<ReadonlyArray<{ projection: string; seconds: number }>> {
    const subjects = await Promise.all(
      readModelProjections.map(async (p) => ({
        name: p.name,
        checkpoint: await readProjectionCheckpoint(this.knex, p),
      })),
    );
    return measureProjectionLag(this.store, subjects, () => this.clock.now().getTime());
  }
}
