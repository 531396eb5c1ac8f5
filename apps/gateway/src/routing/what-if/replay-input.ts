import type { PowerLevel, RecordedEvent, Tier } from '@gw/shared-kernel';
import type {
  BalancingRecord,
  CandidateRecord,
  ChainRecord,
  NeedsRecord,
  RequestFailed,
  RequestRouted,
  UsageRecorded,
} from '@gw/routing';

/** The request event types a replay reads (ChargeSettled repeats UsageRecorded's charge: not read). */
export const REPLAY_REQUEST_EVENT_TYPES: readonly string[] = [
  'RequestRouted',
  'FallbackTriggered',
  'UsageRecorded',
  'RequestFailed',
];

/** The recorded token counts of a request (0 when it has no UsageRecorded). */
export interface RecordedTokens {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
  readonly cacheWrite1hTokens: number;
  readonly reasoningTokens: number;
}

/**
 * How the request ended: `completed` / `interrupted` (UsageRecorded's outcome), `failed`
 * (RequestFailed), `unfinished` (routed, nothing after it in the range read).
 */
export type RecordedOutcome = 'completed' | 'interrupted' | 'failed' | 'unfinished';

/** One recorded request, as a what-if replay reads it (money in bigint micro-dollars). */
export interface RecordedRequest {
  readonly requestId: string;
  readonly userId: string;
  /** RequestRouted.routedAt (ISO 8601). */
  readonly at: string;
  readonly powerLevel: PowerLevel;
  readonly requestedModel: string;
  /** The caller's tier when charged; absent in older events and for requests without usage. */
  readonly tier?: Tier;
  readonly needs: NeedsRecord;
  /** True when `needs` was derived (events written before RequestRouted recorded it). */
  readonly approximate: boolean;
  readonly useCase?: string;
  readonly policyVersion: number;
  readonly candidates: readonly CandidateRecord[];
  /** The fallback chain the ranking followed, and weighted balancing's draw (RequestRouted's). */
  readonly chain?: ChainRecord;
  readonly balancing?: BalancingRecord;
  /** The model routed first (RequestRouted.chosenModelId) and its provider. */
  readonly chosenModelId: string;
  readonly chosenProvider: string;
  /** Which key would pay for the chosen candidate (RequestRouted.keySource). */
  readonly keySource: 'platform' | 'byok';
  /** The model that answered: UsageRecorded's (after any fallback), else the one routed first. */
  readonly servedModelId: string;
  readonly servedProvider: string;
  readonly fallbacks: number;
  readonly outcome: RecordedOutcome;
  readonly usage: RecordedTokens;
  readonly providerCostMicros: bigint;
  readonly chargedMicros: bigint;
  readonly priceVersion?: number;
  readonly billingPolicyVersion?: number;
}

const NO_TOKENS: RecordedTokens = {
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
};

/** A request's events folded so far: the RequestRouted and whatever followed it. */
export interface RequestFold {
  routed?: RequestRouted['data'];
  usage?: UsageRecorded['data'];
  failed?: RequestFailed['data'];
  fallbacks: number;
}

export const emptyFold = (): RequestFold => ({ fallbacks: 0 });

/** Applies one event of the request's stream (other types are ignored); returns the fold. */
export function foldRequestEvent(
  fold: RequestFold,
  event: Pick<RecordedEvent, 'type' | 'data'>,
): RequestFold {
  switch (event.type) {
    case 'RequestRouted':
      fold.routed = event.data as RequestRouted['data'];
      break;
    case 'FallbackTriggered':
      fold.fallbacks++;
      break;
    case 'UsageRecorded':
      fold.usage = event.data as UsageRecorded['data'];
      break;
    case 'RequestFailed':
      fold.failed = event.data as RequestFailed['data'];
      break;
  }
  return fold;
}

/** True once the request has ended (usage recorded or failed): nothing more is expected of it. */
export const isFinished = (fold: RequestFold): boolean =>
  fold.usage !== undefined || fold.failed !== undefined;

/**
 * The needs of a request routed before RequestRouted recorded them: streaming from `streamed`,
 * context from the tokens it used, the rest false (what the replay cannot know).
 */
const derivedNeeds = (
  routed: RequestRouted['data'],
  usage: UsageRecorded['data'] | undefined,
): NeedsRecord => ({
  streaming: routed.streamed,
  tools: false,
  vision: false,
  jsonMode: false,
  contextTokens: usage ? usage.promptTokens + usage.completionTokens : 0,
  maxOutputTokens: 0,
});

/** The RecordedRequest of a fold, or undefined when it has no RequestRouted (nothing to replay). */
export function recordedRequestOf(fold: RequestFold): RecordedRequest | undefined {
  const routed = fold.routed;
  if (!routed) return undefined;
  const usage = fold.usage;
  const outcome: RecordedOutcome = usage ? usage.outcome : fold.failed ? 'failed' : 'unfinished';
  const tokens: RecordedTokens = usage
    ? {
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        cachedTokens: usage.cachedTokens,
        cacheWriteTokens: usage.cacheWriteTokens ?? 0,
        cacheWrite1hTokens: usage.cacheWrite1hTokens ?? 0,
        reasoningTokens: usage.reasoningTokens ?? 0,
      }
    : NO_TOKENS;
  return {
    requestId: routed.requestId,
    userId: routed.userId,
    at: routed.routedAt,
    powerLevel: routed.powerLevel,
    requestedModel: routed.requestedModel,
    ...(usage?.tier !== undefined && { tier: usage.tier }),
    needs: routed.needs ?? derivedNeeds(routed, usage),
    approximate: routed.needs === undefined,
    ...(routed.useCase !== undefined && { useCase: routed.useCase }),
    policyVersion: routed.policyVersion,
    candidates: routed.candidates,
    ...(routed.chain !== undefined && { chain: routed.chain }),
    ...(routed.balancing !== undefined && { balancing: routed.balancing }),
    chosenModelId: routed.chosenModelId,
    chosenProvider: routed.chosenProvider,
    keySource: routed.keySource,
    servedModelId: usage?.modelId ?? routed.chosenModelId,
    servedProvider: usage?.provider ?? routed.chosenProvider,
    fallbacks: fold.fallbacks,
    outcome,
    usage: tokens,
    providerCostMicros: usage ? BigInt(usage.providerCostMicros) : 0n,
    chargedMicros: usage ? BigInt(usage.chargedMicros) : 0n,
    ...(usage?.priceVersion !== undefined && { priceVersion: usage.priceVersion }),
    ...(usage?.billingPolicyVersion !== undefined && { billingPolicyVersion: usage.billingPolicyVersion }),
  };
}

/** Folds one request stream's events (in order) into its RecordedRequest. */
export function replayInputOf(
  events: ReadonlyArray<Pick<RecordedEvent, 'type' | 'data'>>,
): RecordedRequest | undefined {
  const fold = emptyFold();
  for (const e of events) foldRequestEvent(fold, e);
  return recordedRequestOf(fold);
}
