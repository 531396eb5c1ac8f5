import { tierAllows, type PowerLevel, type Tier } from '@gw/shared-kernel';
import type { CatalogModel } from '@gw/catalog';
import type { CandidateRecord } from '../domain/request.events';
import type { RoutingPolicy } from '../domain/routing-policy';

/** What the request needs from a model. */
export interface RequestNeeds {
  readonly streaming: boolean;
  readonly tools: boolean;
  readonly vision: boolean;
  readonly jsonMode: boolean;
  /** Prompt token estimate plus requested output tokens. */
  readonly contextTokens: number;
}

export interface ProviderHealthView {
  /** Recent error rate 0..1. */
  errorRate(provider: string): number;
  /** Recent latency for this model, or undefined to use the catalog's typical latency. */
  latencyMs(modelId: string): number | undefined;
  /** False while the provider is cooled down. */
  isAvailable(provider: string): boolean;
}

/** A candidate as RequestRouted records it, plus whether the caller's own key would pay. */
export interface RankedCandidate extends CandidateRecord {
  readonly byok: boolean;
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
  /** When the caller named a model: only that one is a candidate (no price or power-level filter). */
  readonly pinnedModelId?: string;
}

/** Blended price per 1K tokens in micro-dollars: mean of input and output prices. */
export const blendedPricePer1k = (m: CatalogModel): number =>
  Number(m.prices.inputPerMillion + m.prices.outputPerMillion) / 2 / 1000;

const fits = (m: CatalogModel, needs: RequestNeeds): boolean =>
  (!needs.streaming || m.capabilities.streaming) &&
  (!needs.tools || m.capabilities.tools) &&
  (!needs.vision || m.capabilities.vision) &&
  (!needs.jsonMode || m.capabilities.jsonMode) &&
  needs.contextTokens <= m.contextWindow;

/**
 * Pure ranking: filter, score with w_cost·(1 − cost/max_cost) + w_latency·(1 − latency/bound) +
 * w_quality·quality, times (1 − error_rate·0.5), plus a BYOK bonus; ties break on model id.
 */
export function rankCandidates(input: RankInput): RankedCandidate[] {
  const level = input.policy.levels[input.powerLevel];
  const maxPrice = Number(level.maxPricePer1k);
  const ranked: RankedCandidate[] = [];
  for (const m of input.models) {
    if (input.pinnedModelId !== undefined) {
      if (m.id !== input.pinnedModelId) continue;
    } else if (!m.powerLevels.includes(input.powerLevel)) continue;
    if (!m.enabled || !input.health.isAvailable(m.provider) || !tierAllows(input.tier, m.minTier)) continue;
    if (!fits(m, input.needs)) continue;
    const price = blendedPricePer1k(m);
    if (input.pinnedModelId === undefined && price > maxPrice) continue;
    const cost = maxPrice > 0 ? Math.max(0, 1 - price / maxPrice) : 0;
    const latencyMs = input.health.latencyMs(m.id) ?? m.typicalLatencyMs;
    const latency = Math.max(0, 1 - latencyMs / level.latencyBoundMs);
    const quality = m.quality;
    const errorPenalty = input.health.errorRate(m.provider) * 0.5;
    const byok = input.byokProviders.has(m.provider);
    const preferred = level.preferredProviders.includes(m.provider) ? 0.05 : 0;
    const base =
      level.weights.cost * cost + level.weights.latency * latency + level.weights.quality * quality;
    const score = base * (1 - errorPenalty) + (byok ? input.policy.byokBonus : 0) + preferred;
    ranked.push({
      modelId: m.id,
      provider: m.provider,
      score,
      components: { cost, latency, quality, errorPenalty },
      byok,
    });
  }
  return ranked.sort(
    (a, b) => b.score - a.score || (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0),
  );
}
