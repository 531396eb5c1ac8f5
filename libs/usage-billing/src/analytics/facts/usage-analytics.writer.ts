import type { Knex } from 'knex';
import { toBigInt } from '@gw/database';
import type { RecordedEvent } from '@gw/shared-kernel';
import { evolveUsageFact, isUsageFactEvent, type UsageFact, type UsageOutcome } from './usage-fact.row';
import { rollupDeltas, type UsageMeasures } from './usage-rollup.delta';
import {
  MEASURE_COLUMNS,
  USAGE_DAILY_TABLE,
  USAGE_FACTS_TABLE,
  USAGE_HOURLY_TABLE,
  type UsageFactDbRow,
} from './usage-analytics.tables';

const CHUNK = 1000;

export const factFromDb = (r: UsageFactDbRow): UsageFact => ({
  requestId: r.request_id,
  userId: r.user_id,
  occurredAt: new Date(r.occurred_at),
  provider: r.provider,
  modelId: r.model_id,
  powerLevel: r.power_level,
  keySource: r.key_source === 'byok' ? 'byok' : 'platform',
  keyId: r.key_id,
  apiKeyId: r.api_key_id ?? null,
  outcome: r.outcome as UsageOutcome,
  attempts: Number(r.attempts),
  promptTokens: Number(r.prompt_tokens),
  completionTokens: Number(r.completion_tokens),
  cachedTokens: Number(r.cached_tokens),
  cacheWriteTokens: Number(r.cache_write_tokens),
  providerCostMicros: toBigInt(r.provider_cost_micros),
  chargedMicros: toBigInt(r.charged_micros),
  latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
  timeToFirstTokenMs: r.ttft_ms === null ? null : Number(r.ttft_ms),
  streamed: r.streamed,
  estimated: r.estimated,
  finishReason: r.finish_reason,
  failureReason: r.failure_reason,
  failureStatus: r.failure_status === null ? null : Number(r.failure_status),
  lastPosition: { commit: toBigInt(r.last_commit), prepare: toBigInt(r.last_prepare) },
});

export const factToDb = (f: UsageFact): UsageFactDbRow => ({
  request_id: f.requestId,
  user_id: f.userId,
  occurred_at: f.occurredAt.toISOString(),
  provider: f.provider,
  model_id: f.modelId,
  power_level: f.powerLevel,
  key_source: f.keySource,
  key_id: f.keyId,
  api_key_id: f.apiKeyId,
  outcome: f.outcome,
  attempts: f.attempts,
  prompt_tokens: f.promptTokens,
  completion_tokens: f.completionTokens,
  cached_tokens: f.cachedTokens,
  cache_write_tokens: f.cacheWriteTokens,
  provider_cost_micros: f.providerCostMicros.toString(),
  charged_micros: f.chargedMicros.toString(),
  latency_ms: f.latencyMs,
  ttft_ms: f.timeToFirstTokenMs,
  streamed: f.streamed,
  estimated: f.estimated,
  finish_reason: f.finishReason,
  failure_reason: f.failureReason,
  failure_status: f.failureStatus,
  last_commit: f.lastPosition.commit.toString(),
  last_prepare: f.lastPosition.prepare.toString(),
});

const measureColumns = (m: UsageMeasures): Record<string, string | number> =>
  Object.fromEntries(
    Object.entries(MEASURE_COLUMNS).map(([k, column]) => {
      const v = m[k as keyof UsageMeasures];
      return [column, typeof v === 'bigint' ? v.toString() : v];
    }),
  );

/** On conflict, add the delta to what the row holds. */
const additive = (trx: Knex.Transaction, table: string): Record<string, Knex.Raw> =>
  Object.fromEntries(
    Object.values(MEASURE_COLUMNS).map((c) => [c, trx.raw('??.?? + excluded.??', [table, c, c])]),
  );

async function insertChunks(
  rows: readonly Record<string, unknown>[],
  write: (chunk: Record<string, unknown>[]) => Knex.QueryBuilder,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

/**
 * Thin writer for usage_facts and its rollups, in the batch's transaction: load the touched facts once,
 * fold the batch in memory (pure), upsert the facts that changed, then add each rollup row's net delta
 * (new contribution minus old) once per batch. Replayed events change no fact, so they move nothing.
 */
export async function applyUsageAnalytics(
  trx: Knex.Transaction,
  events: readonly RecordedEvent[],
): Promise<void> {
  const relevant = events.filter(isUsageFactEvent);
  if (relevant.length === 0) return;
  const ids = [...new Set(relevant.map((e) => e.data.requestId))];
  const before = new Map<string, UsageFact>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await trx<UsageFactDbRow>(USAGE_FACTS_TABLE).whereIn('request_id', ids.slice(i, i + CHUNK));
    for (const r of rows) before.set(r.request_id, factFromDb(r));
  }
  const after = new Map<string, UsageFact>();
  for (const e of relevant) {
    const id = e.data.requestId;
    after.set(id, evolveUsageFact(after.get(id) ?? before.get(id) ?? null, e));
  }
  const changes = [...after.values()]
    .filter((f) => f !== before.get(f.requestId))
    .map((f) => ({ before: before.get(f.requestId) ?? null, after: f }));
  if (changes.length === 0) return;

  await insertChunks(
    changes.map((c) => ({ ...factToDb(c.after) })),
    (chunk) => trx(USAGE_FACTS_TABLE).insert(chunk).onConflict('request_id').merge(),
  );
  const deltas = rollupDeltas(changes);
  await insertChunks(
    deltas.daily.map(({ key, delta }) => ({
      user_id: key.userId,
      day: key.day,
      provider: key.provider,
      model_id: key.modelId,
      power_level: key.powerLevel,
      key_source: key.keySource,
      api_key_id: key.apiKeyId,
      ...measureColumns(delta),
    })),
    (chunk) =>
      trx(USAGE_DAILY_TABLE)
        .insert(chunk)
        .onConflict(['user_id', 'day', 'provider', 'model_id', 'power_level', 'key_source', 'api_key_id'])
        .merge(additive(trx, USAGE_DAILY_TABLE)),
  );
  await insertChunks(
    deltas.hourly.map(({ key, delta }) => ({
      user_id: key.userId,
      hour: key.hour,
      ...measureColumns(delta),
    })),
    (chunk) =>
      trx(USAGE_HOURLY_TABLE)
        .insert(chunk)
        .onConflict(['user_id', 'hour'])
        .merge(additive(trx, USAGE_HOURLY_TABLE)),
  );
}
