import { Inject } from '@nestjs/common';
import { QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { CLOCK, NotFoundError, type Clock } from '@gw/shared-kernel';
import { floorToMinute, healthWindowSpec } from '../../health/health-window';
import {
  PROVIDER_HEALTH_DIRECTORY,
  type ProviderHealthDirectory,
} from '../../health/provider-health-directory';
import type { ProviderHealthDetail } from '../../health/provider-health-report';
import { providerHealthSeries, providerHealthSummary } from '../../health/provider-health-summary';
import { STATUS_RECENT_MS } from '../../health/provider-status';
import {
  readCredentialTotals,
  readProviderBuckets,
  readRecentFailures,
} from '../../projections/provider-health/provider-health.reader';
import { healthChangesOf } from '../get-provider-health-report/get-provider-health-report.handler';
import { GetProviderHealthDetailQuery } from './get-provider-health-detail.query';

@QueryHandler(GetProviderHealthDetailQuery)
export class GetProviderHealthDetailHandler implements IQueryHandler<GetProviderHealthDetailQuery> {
  constructor(
    @Inject(KNEX) private readonly knex: Knex,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(PROVIDER_HEALTH_DIRECTORY) private readonly directory: ProviderHealthDirectory,
  ) {}

  async execute({ slug, window }: GetProviderHealthDetailQuery): Promise<ProviderHealthDetail> {
    const entry = this.directory.providers().find((p) => p.slug === slug);
    if (!entry)
      throw new NotFoundError('CATALOG.PROVIDER_NOT_FOUND', `The provider \`${slug}\` does not exist.`, {
        param: 'slug',
      });
    const nowMs = this.clock.now().getTime();
    const spec = healthWindowSpec(window, nowMs);
    const totals = await readCredentialTotals(this.knex, spec.resolution, spec.fromMs, slug);
    const buckets = await readProviderBuckets(this.knex, spec.resolution, spec.fromMs, slug);
    const recent = await readRecentFailures(this.knex, floorToMinute(nowMs) - STATUS_RECENT_MS + 60_000);
    const changes = await healthChangesOf(this.queries, slug);
    return {
      window,
      from: new Date(spec.fromMs).toISOString(),
      to: new Date(spec.toMs).toISOString(),
      summary: providerHealthSummary({
        entry,
        rows: totals,
        recent: recent.get(slug) ?? { attempts: 0, failures: 0 },
        changes,
        breaker: this.directory.breakerState(slug),
        spec,
      }),
      series: providerHealthSeries(buckets, changes, spec),
    };
  }
}
