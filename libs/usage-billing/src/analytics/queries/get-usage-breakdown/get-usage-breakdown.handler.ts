import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { addMeasures, ZERO_MEASURES } from '../../facts/usage-rollup.delta';
import {
  aggregateUsage,
  countShare,
  GROUPS,
  moneyShare,
  toUsageTotals,
  type GroupColumn,
} from '../usage-aggregate';
import {
  GetUsageBreakdownQuery,
  type UsageBreakdown,
  type UsageBreakdownItem,
  type UsageDimension,
} from './get-usage-breakdown.query';

const GROUPING: Record<UsageDimension, readonly GroupColumn[]> = {
  provider: [GROUPS.provider],
  model: [GROUPS.provider, GROUPS.modelId],
  powerLevel: [GROUPS.powerLevel],
};

@QueryHandler(GetUsageBreakdownQuery)
export class GetUsageBreakdownHandler implements IQueryHandler<GetUsageBreakdownQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  async execute({ scope, range, dimension }: GetUsageBreakdownQuery): Promise<UsageBreakdown> {
    const rows = await aggregateUsage(this.knex, scope, range, 'day', GROUPING[dimension]);
    const all = rows.reduce((a, r) => addMeasures(a, r.measures), ZERO_MEASURES);
    const data = rows
      .map((r): UsageBreakdownItem & { sort: bigint } => ({
        ...(dimension !== 'powerLevel' && { provider: r.groups.provider }),
        ...(dimension === 'model' && { model: r.groups.model_id }),
        ...(dimension === 'powerLevel' && { powerLevel: r.groups.power_level }),
        ...toUsageTotals(r.measures),
        shareOfRequests: countShare(r.measures.requests, all.requests),
        shareOfCharge: moneyShare(r.measures.chargedMicros, all.chargedMicros),
        sort: r.measures.chargedMicros,
      }))
      .sort((a, b) => (a.sort === b.sort ? b.requests - a.requests : a.sort < b.sort ? 1 : -1))
      .map(({ sort: _sort, ...item }) => item);
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      userId: scope.kind === 'user' ? scope.userId : null,
      dimension,
      data,
    };
  }
}
