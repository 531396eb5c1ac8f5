import { Inject } from '@nestjs/common';
import { QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { ListProviderHealthChangesQuery } from '@gw/catalog';
import { KNEX } from '@gw/database';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { floorToMinute, healthWindowSpec } from '../../health/health-window';
import {
  PROVIDER_HEALTH_DIRECTORY,
  type ProviderHealthDirectory,
} from '../../health/provider-health-directory';
import type { ProviderHealthReport } from '../../health/provider-health-report';
import {
  providerHealthSummary,
  type HealthChange,
  type HealthRow,
} from '../../health/provider-health-summary';
import { STATUS_RECENT_MS } from '../../health/provider-status';
import {
  readCredentialTotals,
  readRecentFailures,
} from '../../projections/provider-health/provider-health.reader';
import { GetProviderHealthReportQuery } from './get-provider-health-report.query';

/** How many of a provider's latest health changes the uptime and status look at. */
export const HEALTH_CHANGES_READ = 500;

/** Reads a provider's health changes (the catalog's timeline) through the query bus. */
export async function healthChangesOf(queries: QueryBus, slug: string): Promise<HealthChange[]> {
  const changes = await queries.execute(new ListProviderHealthChangesQuery(slug, HEALTH_CHANGES_READ));
  return changes.map((c) => ({ kind: c.kind, reason: c.reason, at: c.at }));
}

@QueryHandler(GetProviderHealthReportQuery)
export class GetProviderHealthReportHandler implements IQueryHandler<GetProviderHealthReportQuery> {
  constructor(
    @Inject(KNEX) private readonly knex: Knex,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(PROVIDER_HEALTH_DIRECTORY) private readonly directory: ProviderHealthDirectory,
  ) {}

  async execute({ window }: GetProviderHealthReportQuery): Promise<ProviderHealthReport> {
    const nowMs = this.clock.now().getTime();
    const spec = healthWindowSpec(window, nowMs);
    const entries = [...this.directory.providers()].sort((a, b) => a.slug.localeCompare(b.slug));
    const rows = await readCredentialTotals(this.knex, spec.resolution, spec.fromMs);
    const recent = await readRecentFailures(this.knex, floorToMinute(nowMs) - STATUS_RECENT_MS + 60_000);
    const changes = await Promise.all(entries.map((e) => healthChangesOf(this.queries, e.slug)));
    const byProvider = new Map<string, HealthRow[]>();
    for (const row of rows) {
      let list = byProvider.get(row.provider);
      if (!list) byProvider.set(row.provider, (list = []));
      list.push(row);
    }
    return {
      window,
      from: new Date(spec.fromMs).toISOString(),
      to: new Date(spec.toMs).toISOString(),
      providers: entries.map((entry, i) =>
        providerHealthSummary({
          entry,
          rows: byProvider.get(entry.slug) ?? [],
          recent: recent.get(entry.slug) ?? { attempts: 0, failures: 0 },
          changes: changes[i]!,
          breaker: this.directory.breakerState(entry.slug),
          spec,
        }),
      ),
    };
  }
}
