import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import type { RequestFailed, UsageRecorded } from '@gw/routing';

/** One row per user: the answer to "what have I used in total?". Money is integer micro-dollars. */
export interface UsageTotalsRow {
  readonly userId: string;
  readonly requests: number;
  readonly failedRequests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly providerCostMicros: bigint;
  readonly chargedMicros: bigint;
  readonly lastPosition: Position;
}

export const USAGE_TOTALS_EVENT_TYPES: ReadonlySet<string> = new Set(['UsageRecorded', 'RequestFailed']);

type Handled =
  | RecordedEvent<'UsageRecorded', UsageRecorded['data']>
  | RecordedEvent<'RequestFailed', RequestFailed['data']>;

const empty = (userId: string): UsageTotalsRow => ({
  userId,
  requests: 0,
  failedRequests: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  providerCostMicros: 0n,
  chargedMicros: 0n,
  lastPosition: { commit: -1n, prepare: -1n },
});

/** Pure: folds one event into the user's row. Events at or before the row's position are skipped (idempotent). */
export function evolveUsageTotals(row: UsageTotalsRow | null, event: Handled): UsageTotalsRow {
  const current = row ?? empty(event.data.userId);
  if (comparePositions(event.position, current.lastPosition) <= 0) return current;
  if (event.type === 'UsageRecorded') {
    const u = event.data;
    return {
      ...current,
      requests: current.requests + 1,
      promptTokens: current.promptTokens + u.promptTokens,
      completionTokens: current.completionTokens + u.completionTokens,
      cachedTokens: current.cachedTokens + u.cachedTokens,
      providerCostMicros: current.providerCostMicros + BigInt(u.providerCostMicros),
      chargedMicros: current.chargedMicros + BigInt(u.chargedMicros),
      lastPosition: event.position,
    };
  }
  return {
    ...current,
    requests: current.requests + 1,
    failedRequests: current.failedRequests + 1,
    lastPosition: event.position,
  };
}

export const isUsageTotalsEvent = (e: RecordedEvent): e is Handled => USAGE_TOTALS_EVENT_TYPES.has(e.type);
