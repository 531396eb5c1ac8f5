import type { Knex } from 'knex';
import { toBigInt } from '@gw/database';
import type { RecordedEvent } from '@gw/shared-kernel';
import { evolveUsageTotals, isUsageTotalsEvent, type UsageTotalsRow } from './usage-totals-by-user.row';
import { USAGE_TOTALS_TABLE, type UsageTotalsDbRow } from './usage-totals-by-user.table';

const fromDb = (r: UsageTotalsDbRow): UsageTotalsRow => ({
  userId: r.user_id,
  requests: Number(r.requests),
  failedRequests: Number(r.failed_requests),
  promptTokens: Number(r.prompt_tokens),
  completionTokens: Number(r.completion_tokens),
  cachedTokens: Number(r.cached_tokens),
  providerCostMicros: toBigInt(r.provider_cost_micros),
  chargedMicros: toBigInt(r.charged_micros),
  lastPosition: { commit: toBigInt(r.last_commit), prepare: toBigInt(r.last_prepare) },
});

const toDb = (r: UsageTotalsRow): UsageTotalsDbRow => ({
  user_id: r.userId,
  requests: r.requests,
  failed_requests: r.failedRequests,
  prompt_tokens: r.promptTokens,
  completion_tokens: r.completionTokens,
  cached_tokens: r.cachedTokens,
  provider_cost_micros: r.providerCostMicros.toString(),
  charged_micros: r.chargedMicros.toString(),
  last_commit: r.lastPosition.commit.toString(),
  last_prepare: r.lastPosition.prepare.toString(),
});

/** Thin writer: load the touched users' rows once, fold the batch in memory, upsert once. */
export async function applyUsageTotals(
  trx: Knex.Transaction,
  events: readonly RecordedEvent[],
): Promise<void> {
  const relevant = events.filter(isUsageTotalsEvent);
  if (relevant.length === 0) return;
  const userIds = [...new Set(relevant.map((e) => e.data.userId))];
  const existing = await trx<UsageTotalsDbRow>(USAGE_TOTALS_TABLE).whereIn('user_id', userIds);
  const rows = new Map<string, UsageTotalsRow>(existing.map((r) => [r.user_id, fromDb(r)]));
  for (const e of relevant) rows.set(e.data.userId, evolveUsageTotals(rows.get(e.data.userId) ?? null, e));
  const changed = userIds.map((id) => ({ ...toDb(rows.get(id)!), updated_at: trx.fn.now() }));
  await trx(USAGE_TOTALS_TABLE).insert(changed).onConflict('user_id').merge();
}
