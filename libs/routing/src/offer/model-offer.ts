import { POWER_LEVELS, type PowerLevel } from '@gw/shared-kernel';
import type { CatalogModel, ProviderStatus } from '@gw/catalog';
import { CANDIDATE_FILTERS, type FilterContext } from '../ranking/rank-candidates';
import type { RoutingPolicy } from '../domain/routing-policy';
import type { ProviderHealthSnapshot } from '../health/provider-health-tracker';

/** A model name callers may send instead of a catalog id, and what it does. */
export interface ModelAlias {
  readonly name: string;
  readonly description: string;
}

/**
 * The aliases the chat endpoint accepts as `model`: the router picks the model. `auto` runs at the
 * caller's power level (or the one the X-Power-Level header or `power_level` names); the others name
 * a power level themselves.
 */
export const MODEL_ALIASES: readonly ModelAlias[] = [
  { name: 'auto', description: 'The router picks a model at your power level.' },
  { name: 'eco', description: 'The router picks a model at the eco power level: cheapest first.' },
  {
    name: 'balanced',
    description: 'The router picks a model at the balanced power level: price and speed alike.',
  },
  {
    name: 'precision',
    description: 'The router picks a model at the precision power level: quality first.',
  },
];

/** Is `model` one of MODEL_ALIASES? */
export const isModelAlias = (model: string): boolean => MODEL_ALIASES.some((a) => a.name === model);

const NO_NEEDS = {
  streaming: false,
  tools: false,
  vision: false,
  jsonMode: false,
  contextTokens: 0,
  maxOutputTokens: 0,
} as const;

/**
 * The power levels under which routing may choose this model for a request that needs nothing
 * special: the ranking's own `offered` and `price` filters (the model is offered at the level, is
 * not deprecated, and its blended price is within the level's limit under `policy`). Tier, health
 * and what a request needs are judged per caller and per request, not here.
 */
export function powerLevelsOffering(model: CatalogModel, policy: RoutingPolicy): PowerLevel[] {
  return POWER_LEVELS.filter((powerLevel) => {
    const context: FilterContext = {
      pinnedModelId: undefined,
      powerLevel,
      tier: model.minTier,
      needs: NO_NEEDS,
      maxPrice: Number(policy.levels[powerLevel].maxPricePer1k),
    };
    return CANDIDATE_FILTERS.offered(model, context) && CANDIDATE_FILTERS.price(model, context);
  });
}

/** A provider's health in the words a user reads. */
export type PublicHealth = 'healthy' | 'degraded' | 'down' | 'unknown';

/** Above this share of recent failures a closed circuit still reads as degraded. */
export const DEGRADED_ERROR_RATE = 0.2;

/**
 * Maps a provider's status and its platform key's circuit to what users see: `down` when it cannot
 * serve (disabled, unreachable, circuit open or paused by the provider's retry-after); `degraded`
 * while a half-open circuit is on trial or recent failures pass DEGRADED_ERROR_RATE; `unknown` when
 * there is no platform key (only callers' own keys serve it, whose health is theirs); else `healthy`.
 */
export function publicHealthOf(
  status: ProviderStatus,
  health: Pick<ProviderHealthSnapshot, 'state' | 'recentErrorRate' | 'pausedUntil'>,
  nowMs: number,
): PublicHealth {
  if (status === 'disabled' || status === 'unreachable') return 'down';
  if (health.state === 'open') return 'down';
  if (health.pausedUntil !== null && Date.parse(health.pausedUntil) > nowMs) return 'down';
  if (status === 'needs_key') return 'unknown';
  if (health.state === 'half_open' || health.recentErrorRate > DEGRADED_ERROR_RATE) return 'degraded';
  return 'healthy';
}
