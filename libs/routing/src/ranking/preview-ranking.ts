import type { PowerLevel } from '@gw/shared-kernel';
import type { CatalogModel } from '@gw/catalog';
import type { ChainRecord } from '../domain/request.events';
import type { RoutingPolicy } from '../domain/routing-policy';
import { chainFor } from './chains';
import {
  blendedPricePer1k,
  CANDIDATE_FILTERS,
  filterContextOf,
  rankWithChain,
  type CandidateFilter,
  type RankedCandidate,
  type RankInput,
} from './rank-candidates';

/**
 * Why a model offered at a power level is not among its candidates: a candidate filter
 * (CANDIDATE_FILTERS, `offered` split into `disabled` and `deprecated`), or `unavailable` when every
 * filter passes but the provider's credential is cooled down (circuit open or paused).
 */
export type PreviewExclusionReason =
  Exclude<CandidateFilter, 'offered'> | 'disabled' | 'deprecated' | 'unavailable';

export interface PreviewExclusion {
  readonly model: CatalogModel;
  readonly reason: PreviewExclusionReason;
}

export interface PreviewCandidate {
  readonly model: CatalogModel;
  readonly candidate: RankedCandidate;
  /** 1-based place in the ranking. */
  readonly rank: number;
  /** The latency the score used: the recent measured one, else the catalog's typical. */
  readonly latencyMs: number;
  /** That latency reached the level's bound: its latency part is 0. */
  readonly overLatencyBound: boolean;
  /**
   * The chat path would try it: within the level's chain when one applies (after the chain's
   * candidates come the others, in score order, which it would not try); always true without one.
   */
  readonly inChain: boolean;
}

export interface LevelPreview {
  readonly powerLevel: PowerLevel;
  /** Every candidate, best first: the first `limit` are exactly what rankCandidates gives the chat path. */
  readonly ranked: readonly PreviewCandidate[];
  /** Models offered at this level that are not candidates, in catalog order. */
  readonly excluded: readonly PreviewExclusion[];
  /** The level's chain when it has one (the ranking follows it when `applied`); undefined: none. */
  readonly chain?: ChainRecord;
}

/** A routed request at one power level, as `rankCandidates` takes it, minus what the preview sets. */
export type PreviewInput = Omit<RankInput, 'limit' | 'pinnedModelId' | 'policy'> & {
  readonly policy: RoutingPolicy;
};

/**
 * The ranking of one power level under a policy, with the reason for every model offered at that
 * level that did not make it. Pure: the ranking itself is `rankCandidates` (the chat path's ranker)
 * asked for every candidate instead of the chat path's top ten; a model is never scored twice.
 */
export function previewLevel(input: PreviewInput): LevelPreview {
  const chain = chainFor(input.policy, input.powerLevel, undefined, false);
  const all = rankWithChain({ ...input, limit: Math.max(1, input.models.length) }, chain?.models ?? []);
  const applied = all.chained.length > 0;
  const chained = new Set(all.chained.map((c) => c.modelId));
  const ranked = applied
    ? [...all.chained, ...all.ranked.filter((c) => !chained.has(c.modelId))]
    : all.ranked;
  const byId = new Map(input.models.map((m) => [m.id, m]));
  const level = input.policy.levels[input.powerLevel];
  const rankedIds = new Set(ranked.map((c) => c.modelId));
  const filters = filterContextOf({ ...input, policy: input.policy });
  const excluded: PreviewExclusion[] = [];
  for (const m of input.models) {
    if (rankedIds.has(m.id) || !m.powerLevels.includes(input.powerLevel)) continue;
    excluded.push({ model: m, reason: exclusionReason(m, filters) });
  }
  return {
    powerLevel: input.powerLevel,
    ranked: ranked.map((candidate, i) => {
      const model = byId.get(candidate.modelId)!;
      const latencyMs = input.health.latencyMs(model.id) ?? model.typicalLatencyMs;
      return {
        model,
        candidate,
        rank: i + 1,
        latencyMs,
        overLatencyBound: latencyMs >= level.latencyBoundMs,
        inChain: !applied || chained.has(candidate.modelId),
      };
    }),
    excluded,
    ...(chain && { chain: { source: chain.source, models: [...chain.models], applied } }),
  };
}

/** The first filter (in CANDIDATE_FILTERS order) that removes the model; all pass: its health. */
function exclusionReason(
  m: CatalogModel,
  filters: ReturnType<typeof filterContextOf>,
): PreviewExclusionReason {
  if (!m.enabled) return 'disabled';
  if (m.deprecation !== undefined) return 'deprecated';
  for (const name of Object.keys(CANDIDATE_FILTERS) as CandidateFilter[]) {
    if (name === 'offered') continue;
    if (!CANDIDATE_FILTERS[name](m, filters)) return name;
  }
  return 'unavailable';
}

/** Blended price per 1K tokens in whole micro-dollars (rounded up), as the policy's max price reads. */
export const blendedPricePer1kMicros = (m: CatalogModel): bigint => BigInt(Math.ceil(blendedPricePer1k(m)));
