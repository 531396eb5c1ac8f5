import type { Knex } from 'knex';
import { ValidationError } from '@gw/shared-kernel';
import { USAGE_FACTS_TABLE, type UsageFactDbRow } from '../facts/usage-analytics.tables';
import { factFromDb } from '../facts/usage-analytics.writer';
import type { UsageRange, UsageScope } from './usage-range';

/** One request as the request list and the export show it. Money as integer micro-dollar strings. */
export interface UsageRequestView {
  readonly requestId: string;
  readonly occurredAt: string;
  readonly userId: string;
  readonly provider: string;
  readonly model: string;
  readonly powerLevel: string;
  readonly keySource: 'platform' | 'byok';
  readonly outcome: 'completed' | 'interrupted' | 'failed';
  readonly attempts: number;
  readonly streamed: boolean;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
  readonly totalTokens: number;
  readonly estimated: boolean;
  readonly providerCostMicros: string;
  readonly chargedMicros: string;
  readonly latencyMs: number | null;
  readonly timeToFirstTokenMs: number | null;
  readonly finishReason: string | null;
  readonly failureReason: string | null;
  /** Why the request went where it did: GET /api/v1/requests/:id. */
  readonly explanationUrl: string;
}

export const explanationUrlOf = (requestId: string): string =>
  `/api/v1/requests/${encodeURIComponent(requestId)}`;

export function toUsageRequestView(row: UsageFactDbRow): UsageRequestView {
  const f = factFromDb(row);
  return {
    requestId: f.requestId,
    occurredAt: f.occurredAt.toISOString(),
    userId: f.userId,
    provider: f.provider,
    model: f.modelId,
    powerLevel: f.powerLevel,
    keySource: f.keySource,
    outcome: f.outcome === 'routed' ? 'failed' : f.outcome,
    attempts: f.attempts,
    streamed: f.streamed,
    promptTokens: f.promptTokens,
    completionTokens: f.completionTokens,
    cachedTokens: f.cachedTokens,
    cacheWriteTokens: f.cacheWriteTokens,
    totalTokens: f.promptTokens + f.completionTokens,
    estimated: f.estimated,
    providerCostMicros: f.providerCostMicros.toString(),
    chargedMicros: f.chargedMicros.toString(),
    latencyMs: f.latencyMs,
    timeToFirstTokenMs: f.timeToFirstTokenMs,
    finishReason: f.finishReason,
    failureReason: f.failureReason,
    explanationUrl: explanationUrlOf(f.requestId),
  };
}

/** A position in the (occurred_at, request_id) order. */
export interface RequestCursor {
  readonly occurredAt: string;
  readonly requestId: string;
}

export const encodeRequestCursor = (c: RequestCursor): string =>
  Buffer.from(JSON.stringify([c.occurredAt, c.requestId])).toString('base64url');

export function decodeRequestCursor(cursor: string): RequestCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      !Number.isNaN(new Date(v[0]).getTime())
    )
      return { occurredAt: new Date(v[0]).toISOString(), requestId: v[1] };
  } catch {
    // falls through to the 400
  }
  throw new ValidationError('USAGE.INVALID_CURSOR', 'cursor must be a nextCursor from an earlier page', {
    param: 'cursor',
  });
}

/** A page's columns, 64-bit integers as text so that they stay exact through JSON. */
const PAGE_COLUMNS = [
  'request_id',
  'user_id',
  'occurred_at',
  'provider',
  'model_id',
  'power_level',
  'key_source',
  'key_id',
  'outcome',
  'attempts',
  'prompt_tokens::text as prompt_tokens',
  'completion_tokens::text as completion_tokens',
  'cached_tokens::text as cached_tokens',
  'cache_write_tokens::text as cache_write_tokens',
  'provider_cost_micros::text as provider_cost_micros',
  'charged_micros::text as charged_micros',
  'latency_ms',
  'ttft_ms',
  'streamed',
  'estimated',
  'finish_reason',
  'failure_reason',
  'failure_status',
  'last_commit::text as last_commit',
  'last_prepare::text as last_prepare',
].join(', ');

/**
 * One keyset page of facts in the range: newest first (`desc`) or oldest first (`asc`), strictly after
 * `cursor` in that order, at most `limit`; uses usage_facts_user_time / usage_facts_time (same
 * predicate). Each row comes back as one JSON text: PGlite decodes every value of a result on the
 * event loop at ≈ 2 µs each, so 1,000 rows of 25 columns took 54 ms where 1,000 JSON texts take
 * 14 ms (the statement itself runs in 3 ms); on PostgreSQL it is as fast as the plain rows.
 */
export async function factPage(
  knex: Knex,
  scope: UsageScope,
  range: UsageRange,
  order: 'asc' | 'desc',
  cursor: RequestCursor | null,
  limit: number,
): Promise<UsageFactDbRow[]> {
  const q = knex(USAGE_FACTS_TABLE)
    .select(knex.raw(PAGE_COLUMNS))
    .whereRaw(`outcome <> 'routed'`)
    .where('occurred_at', '>=', range.from.toISOString())
    .where('occurred_at', '<', range.to.toISOString());
  if (scope.kind === 'user') q.where('user_id', scope.userId);
  if (cursor)
    q.whereRaw(`(occurred_at, request_id) ${order === 'desc' ? '<' : '>'} (?::timestamptz, ?)`, [
      cursor.occurredAt,
      cursor.requestId,
    ]);
  q.orderBy([
    { column: 'occurred_at', order },
    { column: 'request_id', order },
  ]).limit(limit);
  const rows: Array<{ fact: string }> = await knex
    .select(knex.raw('row_to_json(p)::text as fact'))
    .from(q.as('p'))
    .orderBy([
      { column: 'p.occurred_at', order },
      { column: 'p.request_id', order },
    ]);
  return rows.map((r) => JSON.parse(r.fact) as UsageFactDbRow);
}
