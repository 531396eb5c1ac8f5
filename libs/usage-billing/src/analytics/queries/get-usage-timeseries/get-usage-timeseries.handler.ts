import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { aggregateUsage, GROUPS, toUsageTotals } from '../usage-aggregate';
import { assertBucketFits } from '../usage-range';
import { GetUsageTimeseriesQuery, type UsageTimeseries } from './get-usage-timeseries.query';

@QueryHandler(GetUsageTimeseriesQuery)
export class GetUsageTimeseriesHandler implements IQueryHandler<GetUsageTimeseriesQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  async execute({ scope, range, bucket }: GetUsageTimeseriesQuery): Promise<UsageTimeseries> {
    assertBucketFits(range, bucket);
    const rows = await aggregateUsage(this.knex, scope, range, bucket, [GROUPS[bucket]]);
    const data = rows
      .map((r) => ({ bucket: r.groups.bucket!, ...toUsageTotals(r.measures) }))
      .sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      userId: scope.kind === 'user' ? scope.userId : null,
      bucket,
      data,
    };
  }
}
