import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { addMeasures, ZERO_MEASURES, type UsageMeasures } from '../../facts/usage-rollup.delta';
import { aggregateUsage, countShare, GROUPS, moneyShare, toUsageTotals } from '../usage-aggregate';
import { GetUsageSummaryQuery, type KeySourceShare, type UsageSummary } from './get-usage-summary.query';

@QueryHandler(GetUsageSummaryQuery)
export class GetUsageSummaryHandler implements IQueryHandler<GetUsageSummaryQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  async execute({ scope, range }: GetUsageSummaryQuery): Promise<UsageSummary> {
    const rows = await aggregateUsage(this.knex, scope, range, 'day', [GROUPS.keySource]);
    const of = (source: string): UsageMeasures =>
      rows
        .filter((r) => r.groups.key_source === source)
        .reduce((a, r) => addMeasures(a, r.measures), ZERO_MEASURES);
    const byok = of('byok');
    const platform = of('platform');
    const all = addMeasures(byok, platform);
    const share = (m: UsageMeasures): KeySourceShare => ({
      ...toUsageTotals(m),
      shareOfRequests: countShare(m.requests, all.requests),
      shareOfCost: moneyShare(m.providerCostMicros, all.providerCostMicros),
    });
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      userId: scope.kind === 'user' ? scope.userId : null,
      ...toUsageTotals(all),
      byok: share(byok),
      platform: share(platform),
    };
  }
}
