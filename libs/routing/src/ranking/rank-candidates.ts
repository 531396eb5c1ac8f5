import { tierAllows, type PowerLevel, type Tier } from '@gw/shared-kernel';
import type { CatalogModel } from '@gw/catalog';
import type { CandidateRecord } from '../domain/request.events';
import type { PowerLevelPolicy, RoutingPolicy } from '../domain/routing-policy';

/** What the request needs from a model. */
export interface RequestNeeds {
  readonly streaming: boolean;
  readonly tools: boolean;
  readonly vision: boolean;
  readonly jsonMode: boolean;
  /** An upper bound on the prompt's tokens (promptTokenBound) plus one choice's requested output. */
  readonly contextTokens: number;
  /** max_tokens / max_completion_tokens the caller asked for (0: not set). */
  readonly maxOutputTokens?: number;
}

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
}

export const DEFAULT_CANDIDATE_LIMIT = 10;

// Scratch space reused across calls: scoring 500 models allocates nothing per model.
let scores = new Float64Array(1024);
let indexes = new Int32Array(1024);

const blendedPrices = new WeakMap<CatalogModel, number>();

/** Blended price per 1K tokens in micro-dollars: mean of input and output prices (cached per model). */
export const blendedPricePer1k = (m: CatalogModel): number => {
  let price = blendedPrices.get(m);
  if (price === undefined) {
    price = Number(m.prices.inputPerMillion + m.prices.outputPerMillion) / 2 / 1000;
    blendedPrices.set(m, price);
  }
  return price;
};

interface ProviderView {
  readonly credential: string | undefined;
  readonly available: boolean;
  readonly errorPenalty: number;
  readonly bonus: number;
  readonly byok: boolean;
}

/** What the filters read, computed once per request. */
export interface FilterContext {
  readonly pinnedModelId: string | undefined;
  readonly powerLevel: PowerLevel;
  readonly tier: Tier;
  readonly needs: RequestNeeds;
  /** The power level's price limit, micro-dollars per 1K tokens. */
  readonly maxPrice: number;
}

export const filterContextOf = (input: RankInput): FilterContext => ({
  pinnedModelId: input.pinnedModelId,
  powerLevel: input.powerLevel,
  tier: input.tier,
  needs: input.needs,
  maxPrice: Number(input.policy.levels[input.powerLevel].maxPricePer1k),
});

/**
 * The filters a model passes to be a candidate, in the order `explainNoCandidates` reports them.
 * Ranking applies them all (`isEligible`); the explanation counts what each one removed.
 */
export const CANDIDATE_FILTERS = {
  /** The caller named it; or it is offered at the power level and not deprecated. */
  offered: (m: CatalogModel, c: FilterContext): boolean =>
    m.enabled &&
    (c.pinnedModelId !== undefined
      ? m.id === c.pinnedModelId
      : m.deprecation === undefined && m.powerLevels.includes(c.powerLevel)),
  tier: (m: CatalogModel, c: FilterContext): boolean => tierAllows(c.tier, m.minTier),
  streaming: (m: CatalogModel, c: FilterContext): boolean => !c.needs.streaming || m.capabilities.streaming,
  tools: (m: CatalogModel, c: FilterContext): boolean => !c.needs.tools || m.capabilities.tools,
  vision: (m: CatalogModel, c: FilterContext): boolean => !c.needs.vision || m.capabilities.vision,
  jsonMode: (m: CatalogModel, c: FilterContext): boolean => !c.needs.jsonMode || m.capabilities.jsonMode,
  contextWindow: (m: CatalogModel, c: FilterContext): boolean => c.needs.contextTokens <= m.contextWindow,
  maxOutput: (m: CatalogModel, c: FilterContext): boolean =>
    (c.needs.maxOutputTokens ?? 0) <= m.maxOutputTokens,
  /** A named model is not held to the power level's price limit. */
  price: (m: CatalogModel, c: FilterContext): boolean =>
    c.pinnedModelId !== undefined || blendedPricePer1k(m) <= c.maxPrice,
} as const;

export type CandidateFilter = keyof typeof CANDIDATE_FILTERS;

const F = CANDIDATE_FILTERS;
/** Every filter, called directly (not through a list: this runs once per model per request). */
export const isEligible = (m: CatalogModel, c: FilterContext): boolean =>
  F.offered(m, c) &&
  F.tier(m, c) &&
  F.streaming(m, c) &&
  F.tools(m, c) &&
  F.vision(m, c) &&
  F.jsonMode(m, c) &&
  F.contextWindow(m, c) &&
  F.maxOutput(m, c) &&
  F.price(m, c);

/**
 * Pure ranking: filter, score with w_cost·(1 − cost/max_cost) + w_latency·(1 − latency/bound) +
 * w_quality·quality, times (1 − error_rate·0.5), plus a BYOK bonus; ties break on model id.
 */
export function rankCandidates(input: RankInput): RankedCandidate[] {
  const level = input.policy.levels[input.powerLevel];
  const filters = filterContextOf(input);
  const maxPrice = filters.maxPrice;
  // Health, BYOK and preference are per provider: look them up once per provider, not per model.
  const providers = new Map<string, ProviderView>();
  const providerView = (provider: string): ProviderView => {
    let view = providers.get(provider);
    if (!view) {
      const byok = input.byokProviders.has(provider);
      const credential = input.credentials?.get(provider);
      view = {
        credential,
        available: input.health.isAvailable(provider, credential),
        errorPenalty: input.health.errorRate(provider, credential) * 0.5,
        byok,
        bonus: (byok ? input.policy.byokBonus : 0) + (level.preferredProviders.includes(provider) ? 0.05 : 0),
      };
      providers.set(provider, view);
    }
    return view;
  };
  if (scores.length < input.models.length) {
    scores = new Float64Array(input.models.length * 2);
    indexes = new Int32Array(input.models.length * 2);
  }
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
    let at = kept;
    while (at > 0 && better(score, m, scores[at - 1]!, models[indexes[at - 1]!]!)) at--;
    if (at >= limit) continue;
    for (let j = Math.min(kept, limit - 1); j > at; j--) {
      scores[j] = scores[j - 1]!;
      indexes[j] = indexes[j - 1]!;
    }
    scores[at] = score;
    indexes[at] = i;
    if (kept < limit) kept++;
  }
  const ranked: RankedCandidate[] = [];
  for (let k = 0; k < kept; k++) {
    const m = models[indexes[k]!]!;
    const provider = providerView(m.provider);
    const price = blendedPricePer1k(m);
    ranked.push({
      modelId: m.id,
      provider: m.provider,
      score: scores[k]!,
      components: componentsOf(m, price, maxPrice, level, input.health, provider),
      byok: provider.byok,
      ...(provider.credential !== undefined && { credential: provider.credential }),
    });
  }
  return ranked;
}

/** Higher score first; equal scores by model id, so the order never depends on catalog order. */
const better = (score: number, m: CatalogModel, otherScore: number, other: CatalogModel): boolean =>
  score > otherScore || (score === otherScore && m.id < other.id);

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
  return {
    cost: costComponent(price, maxPrice),
    latency: latencyComponent(m, level, health),
    quality: m.quality,
    errorPenalty: provider.errorPenalty,
  };
}

/** w_cost·cost + w_latency·latency + w_quality·quality, times (1 − error_rate·0.5), plus bonuses. */
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
  return base * (1 - provider.errorPenalty) + provider.bonus;
}
