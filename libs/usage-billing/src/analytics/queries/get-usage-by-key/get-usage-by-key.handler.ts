import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { SESSION_API_KEY } from '../../facts/usage-fact.row';
import { addMeasures, ZERO_MEASURES } from '../../facts/usage-rollup.delta';
import { aggregateUsage, countShare, GROUPS, moneyShare, toUsageTotals } from '../usage-aggregate';
import { GetUsageByKeyQuery, type UsageByKey, type UsageByKeyItem } from './get-usage-by-key.query';

/** The api_key_id of a rollup or fact row as a kind and a key id. */
const keyOf = (apiKeyId: string): Pick<UsageByKeyItem, 'kind' | 'apiKeyId'> =>
  apiKeyId === ''
    ? { kind: 'unknown', apiKeyId: null }
    : apiKeyId === SESSION_API_KEY
      ? { kind: 'session', apiKeyId: null }
      : { kind: 'key', apiKeyId };

/**
 * Same path as the other breakdowns (aggregateUsage): whole days from the daily rollup, keyed by
 * (user_id, day, …), the partial ends from usage_facts by the (user_id, occurred_at) index.
 */
@QueryHandler(GetUsageByKeyQuery)
export class GetUsageByKeyHandler implements IQueryHandler<GetUsageByKeyQuery> {
  constructor(@Inject(KNEX) private readonly knex: Knex) {}

  async execute({ scope, range }: GetUsageByKeyQuery): Promise<UsageByKey> {
    const rows = await aggregateUsage(this.knex, scope, range, 'day', [GROUPS.apiKey]);
    const all = rows.reduce((a, r) => addMeasures(a, r.measures), ZERO_MEASURES);
    const data = rows
      .map((r) => ({
        item: {
          ...keyOf(r.groups.api_key_id ?? ''),
          ...toUsageTotals(r.measures),
          shareOfRequests: countShare(r.measures.requests, all.requests),
          shareOfCharge: moneyShare(r.measures.chargedMicros, all.chargedMicros),
        },
        sort: r.measures.chargedMicros,
      }))
      .sort((a, b) => (a.sort === b.sort ? b.item.requests - a.item.requests : a.sort < b.sort ? 1 : -1))
      .map(({ item }) => item);
    return { from: range.from.toISOString(), to: range.to.toISOString(), data };
  }
}
