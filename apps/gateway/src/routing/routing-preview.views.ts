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
  /**
   * The score's parts: score = ((w·parts) × (1 − errorPenalty) + preference + byok) × (1 − 0.5·rateLimit).
   * `preference` (the level's preference bonus), `byok` (the BYOK bonus) and `rateLimit` (the
   * provider's rate-limit penalty 0..1; 1: at its limit, ranked after the others) only when non-zero.
   */
  readonly components: {
    readonly cost: number;
    readonly latency: number;
    readonly quality: number;
    readonly errorPenalty: number;
    readonly preference?: number;
    readonly byok?: number;
    readonly rateLimit?: number;
  };
  /** Blended (mean of input and output) price per 1K tokens, micro-dollars, rounded up. */
  readonly pricePer1kMicros: string;
  /** The latency the score used: recent measured, else the catalog's typical. */
  readonly latencyMs: number;
  /** The latency reached the level's bound (its latency part is 0). */
  readonly overLatencyBound: boolean;
  /** Its provider is one of the level's preferred providers (+ the policy's preferenceBonus). */
  readonly preferred: boolean;
  /**
   * The chat path would try it (first, or on fallback): within the policy's max attempts and, when
   * the level's chain applies, one of the chain's models.
   */
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
  /** In the order the chat path tries them: the level's chain first when it applies, else by score. */
  readonly candidates: RoutingPreviewCandidateView[];
  readonly excluded: RoutingPreviewExclusionView[];
  /**
   * The level's fallback chain (`source` always `level`: the preview names no use case) and whether
   * any of its models is a candidate (`applied`: the order follows it); null when the level has none.
   */
  readonly chain: {
    readonly source: 'use_case' | 'level';
    readonly models: string[];
    readonly applied: boolean;
  } | null;
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
    withinAttempts: p.rank <= maxAttempts && p.inChain,
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
  chain: preview.chain ? { ...preview.chain, models: [...preview.chain.models] } : null,
});
