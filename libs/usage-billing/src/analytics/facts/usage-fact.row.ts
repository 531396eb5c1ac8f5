import type { FallbackTriggered, RequestFailed, RequestRouted, UsageRecorded } from '@gw/routing';
import { alreadyApplied } from '@gw/projections';
import type { Position, RecordedEvent } from '@gw/shared-kernel';
import type { UsageRepriced } from '../../pricing/usage-repriced.events';

/**
 * One row per request: the analytics fact (usage_facts). `routed` is a request whose outcome is not
 * known yet (RequestRouted seen, neither UsageRecorded nor RequestFailed): it counts nowhere.
 */
export type UsageOutcome = 'routed' | 'completed' | 'interrupted' | 'failed';

export interface UsageFact {
  readonly requestId: string;
  readonly userId: string;
  /** The terminal event's occurredAt (the routing time while `routed`). */
  readonly occurredAt: Date;
  readonly provider: string;
  readonly modelId: string;
  readonly powerLevel: string;
  readonly keySource: 'platform' | 'byok';
  readonly keyId: string | null;
  /**
   * The gateway key the request was made with; SESSION_API_KEY when made while signed in (an access
   * token); null when not known (requests recorded before RequestRouted carried it).
   */
  readonly apiKeyId: string | null;
  readonly outcome: UsageOutcome;
  readonly attempts: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
  readonly providerCostMicros: bigint;
  readonly chargedMicros: bigint;
  readonly latencyMs: number | null;
  readonly timeToFirstTokenMs: number | null;
  readonly streamed: boolean;
  readonly estimated: boolean;
  readonly finishReason: string | null;
  /** RequestFailed's reason and status; null otherwise. */
  readonly failureReason: string | null;
  readonly failureStatus: number | null;
  readonly lastPosition: Position;
}

export const USAGE_FACT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'RequestRouted',
  'FallbackTriggered',
  'UsageRecorded',
  'RequestFailed',
  'UsageRepriced',
]);

export type UsageFactEvent =
  | RecordedEvent<'RequestRouted', RequestRouted['data']>
  | RecordedEvent<'FallbackTriggered', FallbackTriggered['data']>
  | RecordedEvent<'UsageRecorded', UsageRecorded['data']>
  | RecordedEvent<'RequestFailed', RequestFailed['data']>
  | RecordedEvent<'UsageRepriced', UsageRepriced['data']>;

export const isUsageFactEvent = (e: RecordedEvent): e is UsageFactEvent => USAGE_FACT_EVENT_TYPES.has(e.type);

/** usage_facts.api_key_id of a request made while signed in (an access token): never a key id (UUIDs). */
export const SESSION_API_KEY = 'session';

/** The fact's apiKeyId for a RequestRouted: the key id, SESSION_API_KEY for null, null when absent. */
const apiKeyIdOf = (routed: RequestRouted['data']): string | null =>
  routed.apiKeyId === undefined ? null : (routed.apiKeyId ?? SESSION_API_KEY);

/** What a request that failed before (or without) its RequestRouted is attributed to. */
export const UNKNOWN = 'unknown';

const blank = (requestId: string, userId: string, at: Date, position: Position): UsageFact => ({
  requestId,
  userId,
  occurredAt: at,
  provider: UNKNOWN,
  modelId: UNKNOWN,
  powerLevel: UNKNOWN,
  keySource: 'platform',
  keyId: null,
  apiKeyId: null,
  outcome: 'routed',
  attempts: 1,
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  providerCostMicros: 0n,
  chargedMicros: 0n,
  latencyMs: null,
  timeToFirstTokenMs: null,
  streamed: false,
  estimated: false,
  finishReason: null,
  failureReason: null,
  failureStatus: null,
  lastPosition: position,
});

/**
 * Pure and total: folds one event of a request's stream into its fact. An event at or before the row's
 * position returns the same object (the runner may redeliver). Once a request has an outcome, routing
 * events no longer change it; a later UsageRecorded/RequestFailed replaces the measures, a UsageRepriced
 * its cost and charge (on the request's own day), and the writer moves the rollups by the difference.
 */
export function evolveUsageFact(row: UsageFact | null, event: UsageFactEvent): UsageFact {
  if (row && alreadyApplied(row.lastPosition, event)) return row;
  const d = event.data;
  const current = row ?? blank(d.requestId, d.userId, event.occurredAt, event.position);
  const settled = current.outcome !== 'routed';
  switch (event.type) {
    case 'RequestRouted':
      if (settled) return { ...current, lastPosition: event.position };
      return {
        ...current,
        occurredAt: event.occurredAt,
        provider: event.data.chosenProvider,
        modelId: event.data.chosenModelId,
        powerLevel: event.data.powerLevel,
        keySource: event.data.keySource,
        keyId: event.data.keyId ?? null,
        apiKeyId: apiKeyIdOf(event.data),
        streamed: event.data.streamed,
        lastPosition: event.position,
      };
    case 'FallbackTriggered':
      if (settled) return { ...current, lastPosition: event.position };
      return {
        ...current,
        modelId: event.data.toModelId,
        attempts: Math.max(current.attempts, event.data.attempt),
        lastPosition: event.position,
      };
    case 'UsageRecorded': {
      const u = event.data;
      return {
        ...current,
        userId: u.userId,
        occurredAt: event.occurredAt,
        provider: u.provider,
        modelId: u.modelId,
        powerLevel: u.powerLevel,
        keySource: u.keySource,
        keyId: u.keyId ?? null,
        outcome: u.outcome,
        attempts: u.attempts,
        promptTokens: u.promptTokens,
        completionTokens: u.completionTokens,
        cachedTokens: u.cachedTokens,
        cacheWriteTokens: u.cacheWriteTokens ?? 0,
        providerCostMicros: BigInt(u.providerCostMicros),
        chargedMicros: BigInt(u.chargedMicros),
        latencyMs: u.latencyMs,
        timeToFirstTokenMs: u.timeToFirstTokenMs,
        streamed: u.streamed,
        estimated: u.estimated,
        finishReason: u.finishReason,
        failureReason: null,
        failureStatus: null,
        lastPosition: event.position,
      };
    }
    case 'RequestFailed': {
      const f = event.data;
      return {
        ...current,
        userId: f.userId,
        occurredAt: event.occurredAt,
        provider: f.lastProvider ?? current.provider,
        outcome: 'failed',
        attempts: f.attempts,
        promptTokens: 0,
        completionTokens: 0,
        cachedTokens: 0,
        cacheWriteTokens: 0,
        providerCostMicros: 0n,
        chargedMicros: 0n,
        latencyMs: null,
        timeToFirstTokenMs: null,
        estimated: false,
        finishReason: null,
        failureReason: f.reason,
        failureStatus: f.status,
        lastPosition: event.position,
      };
    }
    case 'UsageRepriced':
      return {
        ...current,
        providerCostMicros: BigInt(event.data.providerCostMicros),
        chargedMicros: BigInt(event.data.chargedMicros),
        lastPosition: event.position,
      };
  }
}
