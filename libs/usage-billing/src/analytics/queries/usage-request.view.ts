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

/**
 * One keyset page of facts in the range: newest first (`desc`) or oldest first (`asc`), strictly after
 * `cursor` in that order. Uses usage_facts_user_time / usage_facts_time (same predicate).
 */
export function factPage(
  knex: Knex,
  scope: UsageScope,
  range: UsageRange,
  order: 'asc' | 'desc',
  cursor: RequestCursor | null,
  limit: number,
): Knex.QueryBuilder<UsageFactDbRow, UsageFactDbRow[]> {
  const q = knex<UsageFactDbRow>(USAGE_FACTS_TABLE)
    .whereRaw(`outcome <> 'routed'`)
    .where('occurred_at', '>=', range.from.toISOString())
    .where('occurred_at', '<', range.to.toISOString());
  if (scope.kind === 'user') q.where('user_id', scope.userId);
  if (cursor)
    q.whereRaw(`(occurred_at, request_id) ${order === 'desc' ? '<' : '>'} (?::timestamptz, ?)`, [
      cursor.occurredAt,
      cursor.requestId,
    ]);
  return q
    .orderBy([
      { column: 'occurred_at', order },
      { column: 'request_id', order },
    ])
    .limit(limit) as unknown as Knex.QueryBuilder<UsageFactDbRow, UsageFactDbRow[]>;
}
