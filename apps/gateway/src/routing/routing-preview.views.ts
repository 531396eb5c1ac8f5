import type { PowerLevel, Tier } from '@gw/shared-kernel';
import {
  blendedPricePer1kMicros,
  type LevelPreview,
  type PreviewCandidate,
  type PreviewExclusion,
  type PreviewExclusionReason,
} from '@gw/routing';
import type { RoutingPolicyView } from './routing-policy.dto';

export interface RoutingPreviewCandidateView {
  /** 1-based place in this ranking. */
  readonly rank: number;
  /** Its place under the saved policy; null when it is not a candidate there. */
  readonly savedRank: number | null;
  readonly modelId: string;
  readonly provider: string;
  readonly displayName: string;
  readonly score: number;
  /** The score's parts, each 0..1: score = (w·parts) × (1 − errorPenalty) + bonuses. */
  readonly components: {
    readonly cost: number;
    readonly latency: number;
    readonly quality: number;
    readonly errorPenalty: number;
  };
  /** Blended (mean of input and output) price per 1K tokens, micro-dollars, rounded up. */
  readonly pricePer1kMicros: string;
  /** The latency the score used: recent measured, else the catalog's typical. */
  readonly latencyMs: number;
  /** The latency reached the level's bound (its latency part is 0). */
  readonly overLatencyBound: boolean;
  /** Its provider is one of the level's preferred providers (+0.05). */
  readonly preferred: boolean;
  /** Within the policy's max attempts: the chat path would try it (first, or on fallback). */
  readonly withinAttempts: boolean;
}

export interface RoutingPreviewExclusionView {
  readonly modelId: string;
  readonly provider: string;
  readonly displayName: string;
  /**
   * The first filter that removes it: `price` (over the level's max price), `tier`, `disabled`,
   * `deprecated`, `unavailable` (circuit open or paused), or a need of the request the model lacks
   * (`streaming`, `tools`, `vision`, `jsonMode`, `contextWindow`, `maxOutput`).
   */
  readonly reason: PreviewExclusionReason;
  readonly pricePer1kMicros: string;
}

export interface RoutingPreviewRankingView {
  readonly candidates: RoutingPreviewCandidateView[];
  readonly excluded: RoutingPreviewExclusionView[];
}

export interface RoutingPreviewLevelView {
  readonly powerLevel: PowerLevel;
  /** The model the ranked request names: the level's alias (the router chooses). */
  readonly requestedModel: string;
  /** Under the draft policy (the request's body). */
  readonly draft: RoutingPreviewRankingView;
  /** Under the saved policy in force. */
  readonly saved: RoutingPreviewRankingView;
}

/** POST /api/v1/admin/routing/preview: the catalog ranked per power level, draft vs saved policy. */
export interface RoutingPreviewView {
  /** The request ranked at each level: the level's alias as model (requestedModel), this message. */
  readonly request: {
    readonly message: string;
    readonly promptTokens: number;
    readonly tier: Tier;
    readonly stream: boolean;
    readonly byok: boolean;
  };
  /** The saved policy the draft is compared with. */
  readonly saved: RoutingPolicyView;
  readonly levels: RoutingPreviewLevelView[];
}

/** One version of the policy as the stream recorded it. */
export interface RoutingPolicyVersionView {
  readonly version: number;
  /** The actor (user id) who saved it; null for version 0 (the product defaults). */
  readonly changedBy: string | null;
  /** The actor's display name now; null for version 0 or when the account is gone or unknown. */
  readonly changedByName: string | null;
  readonly changedAt: string | null;
  readonly policy: RoutingPolicyView;
}

const candidateView =
  (preferred: readonly string[], maxAttempts: number, savedRanks: ReadonlyMap<string, number>) =>
  (p: PreviewCandidate): RoutingPreviewCandidateView => ({
    rank: p.rank,
    savedRank: savedRanks.get(p.model.id) ?? null,
    modelId: p.model.id,
    provider: p.model.provider,
    displayName: p.model.displayName,
    score: p.candidate.score,
    components: { ...p.candidate.components },
    pricePer1kMicros: blendedPricePer1kMicros(p.model).toString(),
    latencyMs: p.latencyMs,
    overLatencyBound: p.overLatencyBound,
    preferred: preferred.includes(p.model.provider),
    withinAttempts: p.rank <= maxAttempts,
  });

const exclusionView = (e: PreviewExclusion): RoutingPreviewExclusionView => ({
  modelId: e.model.id,
  provider: e.model.provider,
  displayName: e.model.displayName,
  reason: e.reason,
  pricePer1kMicros: blendedPricePer1kMicros(e.model).toString(),
});

export const rankingView = (
  preview: LevelPreview,
  policy: { readonly preferredProviders: readonly string[]; readonly maxAttempts: number },
  savedRanks: ReadonlyMap<string, number>,
): RoutingPreviewRankingView => ({
  candidates: preview.ranked.map(candidateView(policy.preferredProviders, policy.maxAttempts, savedRanks)),
  excluded: preview.excluded.map(exclusionView),
});
