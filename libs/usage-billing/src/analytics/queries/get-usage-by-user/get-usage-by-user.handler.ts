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
  usageMargin,
} from '../usage-aggregate';
import { GetUsageByUserQuery, type UsageByUser, type UsageByUserItem } from './get-usage-by-user.query';

/**
 * Whole days from the daily rollup's per-user rows (by its day index), the partial ends from
 * usage_facts by its time index; most charged first, then most requests, then user id.
 */
@QueryHandler(GetUsageByUserQuery)
export class GetUsageByUserHandler implements IQueryHandler<GetUsageByUserQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  async execute({ range, limit }: GetUsageByUserQuery): Promise<UsageByUser> {
    const rows = await aggregateUsage(this.knex, { kind: 'all' }, range, 'day', [GROUPS.user]);
    const all = rows.reduce((a, r) => addMeasures(a, r.measures), ZERO_MEASURES);
    const data = rows
      .sort((a, b) => {
        const [x, y] = [a.measures.chargedMicros, b.measures.chargedMicros];
        if (x !== y) return x < y ? 1 : -1;
        if (a.measures.requests !== b.measures.requests) return b.measures.requests - a.measures.requests;
        return (a.groups.user_id ?? '') < (b.groups.user_id ?? '') ? -1 : 1;
      })
      .slice(0, limit)
      .map((r): UsageByUserItem => ({
        userId: r.groups.user_id ?? '',
        ...toUsageTotals(r.measures),
        ...usageMargin(r.measures.chargedMicros, r.measures.providerCostMicros),
        shareOfRequests: countShare(r.measures.requests, all.requests),
        shareOfCharge: moneyShare(r.measures.chargedMicros, all.chargedMicros),
      }));
    return { from: range.from.toISOString(), to: range.to.toISOString(), totalUsers: rows.length, data };
  }
}
