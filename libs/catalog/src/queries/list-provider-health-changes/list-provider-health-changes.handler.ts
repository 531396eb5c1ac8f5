import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { PROVIDER_HEALTH_TIMELINE_TABLE } from '../../projections/provider-health-timeline/provider-health-timeline.projection';
import {
  ListProviderHealthChangesQuery,
  type ProviderHealthChange,
} from './list-provider-health-changes.query';

interface Row {
  provider: string;
  kind: 'degraded' | 'recovered';
  reason: string;
  at: Date | string;
  details: unknown;
}

@QueryHandler(ListProviderHealthChangesQuery)
export class ListProviderHealthChangesHandler implements IQueryHandler<ListProviderHealthChangesQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  async execute({ provider, limit }: ListProviderHealthChangesQuery): Promise<ProviderHealthChange[]> {
    const rows = await this.knex<Row>(PROVIDER_HEALTH_TIMELINE_TABLE)
      .where({ provider })
      .orderBy([
        { column: 'commit_position', order: 'desc' },
        { column: 'prepare_position', order: 'desc' },
      ])
      .limit(limit)
      .select('kind', 'reason', 'at', 'details');
    return rows.map((r) => ({
      kind: r.kind,
      reason: r.reason,
      at: new Date(r.at).toISOString(),
      details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
    }));
  }
}
