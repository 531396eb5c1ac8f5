import type { PowerLevel, Tier } from '@gw/shared-kernel';
import type { CatalogModel } from '@gw/catalog';
import type { CandidateRecord } from '../domain/request.events';
import type { PowerLevelPolicy, RoutingPolicy } from '../domain/routing-policy';
import { rateLimitPenalty, type ProviderLoadView } from '../health/provider-load';
import { applyChain } from './chains';
import { blendedPricePer1k, isEligible, type FilterContext, type RequestNeeds } from './candidate-filters';

export {
  blendedPricePer1k,
  CANDIDATE_FILTERS,
  isEligible,
  type CandidateFilter,
  type FilterContext,
  type RequestNeeds,
} from './candidate-filters';

/** Health per provider credential (`credential` omitted: the provider's platform key). */
export interface ProviderHealthView {
  /** Recent error rate 0..1. */
  errorRate(provider: string, credential?: string): number;
  /** Recent latency for this model, or undefined to use the catalog's typical latency. */
  latencyMs(modelId: string): number | undefined;
  /** False while the credential is cooled down. */
  isAvailable(provider: string, credential?: string): boolean;
}

/** A candidate as RequestRouted records it, plus whether the caller's own key would pay and which. */
export interface RankedCandidate extends CandidateRecord {
  readonly byok: boolean;
  /** The credential health was judged for (the platform key unless a BYOK key pays). */
  readonly credential?: string;
}

export interface RankInput {
  readonly models: readonly CatalogModel[];
  readonly policy: RoutingPolicy;
  readonly powerLevel: PowerLevel;
  readonly tier: Tier;
  readonly needs: RequestNeeds;
  readonly health: ProviderHealthView;
  /** Providers the caller has their own key for. */
  readonly byokProviders: ReadonlySet<string>;
  /** The credential that would pay, per provider, when it is not the platform key (BYOK). */
  readonly credentials?: ReadonlyMap<string, string>;
  /**
   * When the caller named a model: only that one is a candidate (no price or power-level filter).
   * Deprecated models are candidates only this way.
   */
  readonly pinnedModelId?: string;
  /** How many of the best candidates to return (fallback walks them; RequestRouted records them). Default 10. */
  readonly limit?: number;
  /**
   * Each provider's platform-key load against `policy.providerLimits` (absent: no rate-limit
   * penalty), read at `nowMs` (default: the load view's own clock).
   */
  readonly load?: ProviderLoadView;
  readonly nowMs?: number;
}

export const DEFAULT_CANDIDATE_LIMIT = 10;

// Scratch space reused across calls: scoring 500 models allocates nothing per model.
let scores = new Float64Array(1024);
let indexes = new Int32Array(1024);
/** 1: the kept candidate's provider is at or past its rate limit (ranked behind the others). */
let overs = new Uint8Array(1024);

interface ProviderView {
  readonly credential: string | undefined;
  readonly available: boolean;
  readonly errorPenalty: number;
  /** The BYOK bonus added (0: the platform key pays). */
  readonly byokBonus: number;
  /** The preference bonus added (0: not a preferred provider of the level). */
  readonly preference: number;
  readonly byok: boolean;
  /** The rate-limit penalty 0..1 (rateLimitPenalty of the platform key's utilization). */
  readonly rateLimit: number;
  /** At or past its rate limit: behind every candidate under its limit. */
  readonly over: 0 | 1;
}

export const filterContextOf = (input: RankInput): FilterContext => ({
  pinnedModelId: input.pinnedModelId,
  powerLevel: input.powerLevel,
  tier: input.tier,
  needs: input.needs,
  maxPrice: Number(input.policy.levels[input.powerLevel].maxPricePer1k),
});

/**
 * Pure ranking: filter, score with w_cost·(1 − cost/max_cost) + w_latency·(1 − latency/bound) +
 * w_quality·quality, times (1 − error_rate·0.5), plus the BYOK and preference bonuses, times
 * (1 − 0.5·rateLimit); ties break on model id. A candidate whose provider is at or past its rate
 * limit comes after every one under its limit.
 */
export function rankCandidates(input: RankInput): RankedCandidate[] {
  return scan(input, undefined).ranked;
}

/**
 * The ranking (rankCandidates) and the candidates among `chain`'s models, in chain order (applyChain;
 * empty when none of them is a candidate), from one scan of the catalog.
 */
export function rankWithChain(
  input: RankInput,
  chain: readonly string[],
): { ranked: RankedCandidate[]; chained: RankedCandidate[] } {
  return scan(input, chain);
}

function scan(
  input: RankInput,
  chain: readonly string[] | undefined,
): { ranked: RankedCandidate[]; chained: RankedCandidate[] } {
  const level = input.policy.levels[input.powerLevel];
  const limits = input.policy.providerLimits;
  const load = input.load;
  const nowMs = input.nowMs;
  const filters = filterContextOf(input);
  const maxPrice = filters.maxPrice;
  // Health, BYOK and preference are per provider: look them up once per provider, not per model.
  const providers = new Map<string, ProviderView>();
  const providerView = (provider: string): ProviderView => {
    let view = providers.get(provider);
    if (!view) {
      const byok = input.byokProviders.has(provider);
      const credential = input.credentials?.get(provider);
      // A caller's own key has the caller's limits: only the platform key's load counts.
      const limit = load && !byok && Object.hasOwn(limits, provider) ? limits[provider] : undefined;
      const rateLimit = limit ? rateLimitPenalty(load!.utilization(provider, limit, nowMs)) : 0;
      view = {
        credential,
        available: input.health.isAvailable(provider, credential),
        errorPenalty: input.health.errorRate(provider, credential) * 0.5,
        byok,
        byokBonus: byok ? input.policy.byokBonus : 0,
        preference: level.preferredProviders.includes(provider) ? input.policy.preferenceBonus : 0,
        rateLimit,
        over: rateLimit >= 1 ? 1 : 0,
      };
      providers.set(provider, view);
    }
    return view;
  };
  if (scores.length < input.models.length) {
    scores = new Float64Array(input.models.length * 2);
    indexes = new Int32Array(input.models.length * 2);
    overs = new Uint8Array(input.models.length * 2);
  }
  // Chain models found (index and score), only when a chain is asked for: at most its length.
  let chainHits: Array<{ index: number; score: number }> | undefined;
  const limit = input.limit ?? DEFAULT_CANDIDATE_LIMIT;
  const models = input.models;
  // Keep the best `limit` (index, score) pairs in order while scanning: no per-model objects.
  let kept = 0;
  for (let i = 0; i < models.length; i++) {
    const m = models[i]!;
    if (!isEligible(m, filters)) continue;
    const price = blendedPricePer1k(m);
    const provider = providerView(m.provider);
    if (!provider.available) continue;
    const score = scoreOf(m, price, maxPrice, level, input.health, provider);
    if (chain !== undefined && chain.includes(m.id)) (chainHits ??= []).push({ index: i, score });
    const over = provider.over;
    let at = kept;
    while (at > 0 && better(over, score, m, overs[at - 1]!, scores[at - 1]!, models[indexes[at - 1]!]!)) at--;
    if (at >= limit) continue;
    for (let j = Math.min(kept, limit - 1); j > at; j--) {
      scores[j] = scores[j - 1]!;
      indexes[j] = indexes[j - 1]!;
      overs[j] = overs[j - 1]!;
    }
    scores[at] = score;
    indexes[at] = i;
    overs[at] = over;
    if (kept < limit) kept++;
  }
  const candidateOf = (index: number, score: number): RankedCandidate => {
    const m = models[index]!;
    const provider = providerView(m.provider);
    return {
      modelId: m.id,
      provider: m.provider,
      score,
      components: componentsOf(m, blendedPricePer1k(m), maxPrice, level, input.health, provider),
      byok: provider.byok,
      ...(provider.credential !== undefined && { credential: provider.credential }),
    };
  };
  const ranked: RankedCandidate[] = [];
  for (let k = 0; k < kept; k++) ranked.push(candidateOf(indexes[k]!, scores[k]!));
  if (chain === undefined || chainHits === undefined) return { ranked, chained: [] };
  const found = chainHits.map(
    (h) => ranked.find((c) => c.modelId === models[h.index]!.id) ?? candidateOf(h.index, h.score),
  );
  return { ranked, chained: applyChain(chain, found) };
}

/**
 * Under its rate limit first; then higher score first; equal scores by model id, so the order never
 * depends on catalog order.
 */
const better = (
  over: number,
  score: number,
  m: CatalogModel,
  otherOver: number,
  otherScore: number,
  other: CatalogModel,
): boolean =>
  over < otherOver ||
  (over === otherOver && (score > otherScore || (score === otherScore && m.id < other.id)));

/** The cost and latency components: one formula for the score and for the explanation. */
const costComponent = (price: number, maxPrice: number): number =>
  maxPrice > 0 ? Math.max(0, 1 - price / maxPrice) : 0;
const latencyComponent = (m: CatalogModel, level: PowerLevelPolicy, health: ProviderHealthView): number =>
  Math.max(0, 1 - (health.latencyMs(m.id) ?? m.typicalLatencyMs) / level.latencyBoundMs);

function componentsOf(
  m: CatalogModel,
  price: number,
  maxPrice: number,
  level: PowerLevelPolicy,
  health: ProviderHealthView,
  provider: ProviderView,
): RankedCandidate['components'] {
  const components: { -readonly [K in keyof RankedCandidate['components']]: number } = {
    cost: costComponent(price, maxPrice),
    latency: latencyComponent(m, level, health),
    quality: m.quality,
    errorPenalty: provider.errorPenalty,
  };
  // Only when non-zero (most requests have none: the recorded event stays small).
  if (provider.preference !== 0) components.preference = provider.preference;
  if (provider.byokBonus !== 0) components.byok = provider.byokBonus;
  if (provider.rateLimit !== 0) components.rateLimit = provider.rateLimit;
  return components;
}

/**
 * w_cost·cost + w_latency·latency + w_quality·quality, times (1 − error_rate·0.5), plus bonuses,
 * times (1 − 0.5·rateLimit).
 */
function scoreOf(
  m: CatalogModel,
  price: number,
  maxPrice: number,
  level: PowerLevelPolicy,
  health: ProviderHealthView,
  provider: ProviderView,
): number {
  const cost = costComponent(price, maxPrice);
  const latency = latencyComponent(m, level, health);
  const base =
    level.weights.cost * cost + level.weights.latency * latency + level.weights.quality * m.quality;
  const score = base * (1 - provider.errorPenalty) + provider.byokBonus + provider.preference;
  return provider.rateLimit === 0 ? score : score * (1 - 0.5 * provider.rateLimit);
}
