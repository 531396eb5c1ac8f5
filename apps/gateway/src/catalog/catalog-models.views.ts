import { tierAllows, type PowerLevel, type Tier } from '@gw/shared-kernel';
import type { ModelEntry, ProviderEntry, ProviderStatus } from '@gw/catalog';
import type { ModelAlias, PublicHealth } from '@gw/routing';

/** A model as a signed-in user sees it in the catalog (GET /api/v1/catalog/models). */
export interface CatalogModelView {
  /** The model id callers send (`provider/model`). */
  readonly id: string;
  /** The provider's slug. */
  readonly provider: string;
  readonly providerName: string;
  readonly name: string;
  /** What the model can do: `streaming`, `tools`, `vision`, `json`. */
  readonly capabilities: readonly string[];
  readonly contextWindow: number;
  readonly maxOutputTokens: number | null;
  /** Integer micro-dollars per million tokens, as strings. */
  readonly inputPerMTokMicros: string;
  readonly outputPerMTokMicros: string;
  readonly cachedInputPerMTokMicros: string;
  /** The levels under which routing may pick it now (the routing policy's filters; [] when deprecated). */
  readonly powerLevels: readonly PowerLevel[];
  /**
   * The median latency of this model's answers over the last 24 hours (the provider-health read
   * model), in ms; without answers there, this instance's recent latency (the exponentially weighted
   * mean routing scores with); null before any answer.
   */
  readonly p50LatencyMs: number | null;
  /** The catalog's typical latency, used by routing until live answers say otherwise. */
  readonly typicalLatencyMs: number;
  readonly health: PublicHealth;
  readonly usableOnMyTier: boolean;
  /** The lowest tier that may use it, when mine may not; null when mine may. */
  readonly unlockTier: Tier | null;
  /** Always true: models and providers an admin disabled are not listed. */
  readonly enabled: boolean;
  /** Its provider has no platform key: only callers with their own key for it (BYOK) use it. */
  readonly requiresOwnKey: boolean;
  /** Served when named, never chosen by routing; `replacement` the model to move to. */
  readonly deprecated: { readonly replacement: string | null } | null;
}

/** GET /api/v1/catalog/models. */
export interface CatalogModelsView {
  readonly models: readonly CatalogModelView[];
  /** Model names callers may send instead of an id: the router picks the model. */
  readonly aliases: readonly ModelAlias[];
}

const capabilitiesOf = (c: ModelEntry['spec']['capabilities']): string[] => [
  ...(c.streaming ? ['streaming'] : []),
  ...(c.tools ? ['tools'] : []),
  ...(c.vision ? ['vision'] : []),
  ...(c.jsonMode ? ['json'] : []),
];

/** What the mapping needs besides the model and its provider, resolved by the caller. */
export interface CatalogModelContext {
  readonly status: ProviderStatus;
  readonly tier: Tier;
  readonly powerLevels: readonly PowerLevel[];
  readonly latencyMs: number | undefined;
  readonly health: PublicHealth;
}

export const toCatalogModelView = (
  m: ModelEntry,
  p: ProviderEntry,
  c: CatalogModelContext,
): CatalogModelView => {
  const usable = tierAllows(c.tier, m.spec.minTier);
  return {
    id: m.id,
    provider: p.spec.slug,
    providerName: p.spec.name,
    name: m.spec.displayName,
    capabilities: capabilitiesOf(m.spec.capabilities),
    contextWindow: m.spec.contextWindow,
    maxOutputTokens: m.spec.maxOutputTokens > 0 ? m.spec.maxOutputTokens : null,
    inputPerMTokMicros: m.spec.prices.inputPerMillion,
    outputPerMTokMicros: m.spec.prices.outputPerMillion,
    cachedInputPerMTokMicros: m.spec.prices.cachedInputPerMillion,
    powerLevels: c.powerLevels,
    p50LatencyMs: c.latencyMs === undefined ? null : Math.round(c.latencyMs),
    typicalLatencyMs: m.spec.typicalLatencyMs,
    health: c.health,
    usableOnMyTier: usable,
    unlockTier: usable ? null : m.spec.minTier,
    enabled: m.enabled && p.enabled,
    requiresOwnKey: c.status === 'needs_key',
    deprecated: m.deprecation ? { replacement: m.deprecation.replacement } : null,
  };
};
