import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX, toBigInt } from '@gw/database';
import {
  USAGE_TOTALS_TABLE,
  type UsageTotalsDbRow,
} from '../../projections/usage-totals-by-user/usage-totals-by-user.table';
import { GetMyUsageQuery, type MyUsage } from './get-my-usage.query';

@QueryHandler(GetMyUsageQuery)
export class GetMyUsageHandler implements IQueryHandler<GetMyUsageQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  async execute({ userId }: GetMyUsageQuery): Promise<MyUsage> {
    const row = await this.knex<UsageTotalsDbRow>(USAGE_TOTALS_TABLE).where({ user_id: userId }).first();
    const n = (v: string | number | undefined): number => Number(v ?? 0);
    const promptTokens = n(row?.prompt_tokens);
    const completionTokens = n(row?.completion_tokens);
    return {
      userId,
      requests: n(row?.requests),
      failedRequests: n(row?.failed_requests),
      promptTokens,
      completionTokens,
      cachedTokens: n(row?.cached_tokens),
      totalTokens: promptTokens + completionTokens,
      providerCostMicros: toBigInt(row?.provider_cost_micros ?? 0).toString(),
      costMicros: toBigInt(row?.charged_micros ?? 0).toString(),
    };
  }
}
