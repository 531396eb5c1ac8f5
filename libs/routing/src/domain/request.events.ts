import type { DomainEvent, PowerLevel } from '@gw/shared-kernel';

export interface CandidateRecord {
  readonly modelId: string;
  readonly provider: string;
  readonly score: number;
  readonly components: {
    readonly cost: number;
    readonly latency: number;
    readonly quality: number;
    readonly errorPenalty: number;
  };
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
    policyVersion: number;
    routingMicroseconds: number;
    streamed: boolean;
    routedAt: string;
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
    /** True when the upstream reported no usage and tokens were counted by the gateway's tokenizer. */
    estimated: boolean;
    providerCostMicros: string;
    chargedMicros: string;
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
  }
>;

export type RequestEvent = RequestRouted | FallbackTriggered | UsageRecorded | RequestFailed;

export const toRequestStreamId = (requestId: string): string => `request-${requestId}`;
