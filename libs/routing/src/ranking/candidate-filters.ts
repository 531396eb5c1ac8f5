import { tierAllows, type PowerLevel, type Tier } from '@gw/shared-kernel';
import type { CatalogModel } from '@gw/catalog';

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

/** What the filters read, computed once per request. */
export interface FilterContext {
  readonly pinnedModelId: string | undefined;
  readonly powerLevel: PowerLevel;
  readonly tier: Tier;
  readonly needs: RequestNeeds;
  /** The power level's price limit, micro-dollars per 1K tokens. */
  readonly maxPrice: number;
}

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
