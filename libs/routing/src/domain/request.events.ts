import type { DomainEvent, PowerLevel, Tier } from '@gw/shared-kernel';

export interface CandidateRecord {
  readonly modelId: string;
  readonly provider: string;
  readonly score: number;
  readonly components: {
    readonly cost: number;
    readonly latency: number;
    readonly quality: number;
    readonly errorPenalty: number;
    /** The level's preference bonus added (its provider is preferred); absent when none. */
    readonly preference?: number;
    /** The BYOK bonus added (the caller's own key pays); absent when none. */
    readonly byok?: number;
    /**
     * The provider's rate-limit penalty 0..1 (its platform key's load against the policy's limits):
     * the score is × (1 − 0.5·rateLimit); 1 = at or past the limit, tried after the others. Absent
     * when none (and in older events).
     */
    readonly rateLimit?: number;
  };
}

/** The fallback chain a request's candidates followed (or would have: `applied` false). */
export interface ChainRecord {
  readonly source: 'use_case' | 'level';
  readonly models: string[];
  /** False when none of the chain's models could serve: the score order was used instead. */
  readonly applied: boolean;
}

/** Weighted balancing: the candidates within the band, the request's draw and what it chose. */
export interface BalancingRecord {
  readonly bandPercent: number;
  /** Model ids within `bandPercent` of the best score, in score order. */
  readonly pool: string[];
  /** The request id's uniform number in [0, 1), rounded to 6 decimals. */
  readonly draw: number;
  /** The model id drawn: tried first. */
  readonly chosen: string;
}

/** What the request needed of a model, as the ranking read it (a what-if replay needs it). */
export interface NeedsRecord {
  readonly streaming: boolean;
  readonly tools: boolean;
  readonly vision: boolean;
  readonly jsonMode: boolean;
  readonly contextTokens: number;
  readonly maxOutputTokens: number;
}

export type RequestRouted = DomainEvent<
  'RequestRouted',
  {
    requestId: string;
    userId: string;
    requestedModel: string;
    powerLevel: PowerLevel;
    candidates: CandidateRecord[];
    chosenModelId: string;
    chosenProvider: string;
    keySource: 'platform' | 'byok';
    /** The caller's key that would pay for the chosen candidate (BYOK); null or absent: the platform's. */
    keyId?: string | null;
    /**
     * The gateway key the caller sent (its id, never the key); null when the caller was signed in
     * (an access token, not a key); absent in older events.
     */
    apiKeyId?: string | null;
    policyVersion: number;
    routingMicroseconds: number;
    streamed: boolean;
    routedAt: string;
    /** The use case the request named (well-formed names only, known to the policy or not); absent: none. */
    useCase?: string;
    /** The chain that ordered the candidates; absent: the score order (and in older events). */
    chain?: ChainRecord;
    /** Weighted balancing's draw; absent when it did not apply (and in older events). */
    balancing?: BalancingRecord;
    /** What the request needed of a model; absent in older events. */
    needs?: NeedsRecord;
  }
>;

export type FallbackTriggered = DomainEvent<
  'FallbackTriggered',
  {
    requestId: string;
    userId: string;
    fromModelId: string;
    toModelId: string;
    reason: string;
    status: number | null;
    attempt: number;
    /** The provider of `fromModelId` and which key paid for the failed attempt; absent in older events. */
    fromProvider?: string;
    fromCredential?: 'platform' | 'byok';
  }
>;

/** Money as decimal strings of integer micro-dollars. */
export type UsageRecorded = DomainEvent<
  'UsageRecorded',
  {
    requestId: string;
    userId: string;
    provider: string;
    modelId: string;
    powerLevel: PowerLevel;
    keySource: 'platform' | 'byok';
    /** The caller's key that paid (BYOK); null or absent: the platform's. */
    keyId?: string | null;
    promptTokens: number;
    completionTokens: number;
    cachedTokens: number;
    /** Prompt tokens written to the provider's cache (part of promptTokens); absent when none. */
    cacheWriteTokens?: number;
    /** Of cacheWriteTokens, those kept for an hour (Anthropic); absent when none. */
    cacheWrite1hTokens?: number;
    /** Of completionTokens, those spent reasoning, as the provider reported; absent when none. */
    reasoningTokens?: number;
    /** True when the upstream reported no usage and tokens were counted by the gateway's tokenizer. */
    estimated: boolean;
    /**
     * True when the upstream's usage had counts the gateway refused (negative, fractional, not a
     * number, above 100M tokens, a detail above its total) and counted its own estimate for them
     * instead; absent otherwise (and in older events).
     */
    usageClamped?: boolean;
    /** What the provider charges the platform (nothing is charged by the platform on BYOK: the caller's key paid). */
    providerCostMicros: string;
    /** What the caller is charged: cost × multiplier × (1 + markup), or the BYOK fee × cost. */
    chargedMicros: string;
    /** The caller's tier when charged (the markup depends on it); absent in older events. */
    tier?: Tier;
    /** The model's price version and the billing policy's version applied; absent in older events. */
    priceVersion?: number;
    billingPolicyVersion?: number;
    latencyMs: number;
    timeToFirstTokenMs: number | null;
    streamed: boolean;
    finishReason: string | null;
    /** `completed`, or `interrupted` when a stream broke or the client went away mid-answer. */
    outcome: 'completed' | 'interrupted';
    attempts: number;
  }
>;

export type RequestFailed = DomainEvent<
  'RequestFailed',
  {
    requestId: string;
    userId: string;
    reason: string;
    status: number;
    attempts: number;
    lastProvider: string | null;
    /** The last attempt's model and which key paid for it; absent in older events. */
    lastModelId?: string;
    lastCredential?: 'platform' | 'byok';
  }
>;

/**
 * The caller's balance was debited for this request and its reservation released (spending caps):
 * written with the UsageRecorded it settles. `month` (UTC, YYYY-MM) is the month the charge counts
 * against the monthly cap. Money as decimal strings of integer micro-dollars.
 */
export type ChargeSettled = DomainEvent<
  'ChargeSettled',
  {
    requestId: string;
    userId: string;
    chargedMicros: string;
    /** What was held before the upstream call (the worst case). */
    reservedMicros: string;
    month: string;
    settledAt: string;
  }
>;

export type RequestEvent = RequestRouted | FallbackTriggered | UsageRecorded | ChargeSettled | RequestFailed;

export const toRequestStreamId = (requestId: string): string => `request-${requestId}`;
