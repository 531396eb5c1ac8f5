import type { CatalogModel, CatalogProvider, CatalogSnapshot } from '../domain/catalog.types';
import type { CatalogView, ModelEntry, ProviderEntry } from './catalog-view';
import { pricesFromData } from '../domain/model-prices';

/** What only the running gateway knows: where a provider really is, and its decrypted key. */
export interface ProviderResolver {
  /** The URL to call, or undefined when the provider cannot be reached here (e.g. a mock not running). */
  baseUrl(provider: ProviderEntry): string | undefined;
  /** The decrypted platform key, held in memory only. */
  apiKey(slug: string): string | undefined;
}

/**
 * Why a registered provider does or does not serve requests:
 * active · disabled (by an admin, or seeded and never enabled) · needs_key (no platform key yet) ·
 * unreachable (its address cannot be resolved here, e.g. the mocks are off).
 */
export type ProviderStatus = 'active' | 'disabled' | 'needs_key' | 'unreachable';

export function providerStatus(provider: ProviderEntry, resolver: ProviderResolver): ProviderStatus {
  if (!provider.enabled) return 'disabled';
  if (provider.spec.requiresKey && resolver.apiKey(provider.spec.slug) === undefined) return 'needs_key';
  if (resolver.baseUrl(provider) === undefined) return 'unreachable';
  return 'active';
}

export const toCatalogModel = (m: ModelEntry): CatalogModel => ({
  id: m.id,
  provider: m.spec.provider,
  upstreamModel: m.spec.model,
  displayName: m.spec.displayName,
  prices: pricesFromData(m.spec.prices),
  contextWindow: m.spec.contextWindow,
  maxOutputTokens: m.spec.maxOutputTokens,
  capabilities: m.spec.capabilities,
  quality: m.spec.quality,
  typicalLatencyMs: m.spec.typicalLatencyMs,
  powerLevels: m.spec.powerLevels,
  minTier: m.spec.minTier,
  enabled: m.enabled,
  deprecation: m.deprecation ? { replacement: m.deprecation.replacement } : undefined,
  priceVersion: m.priceVersion ?? 1,
});

/**
 * The snapshot the hot path routes from: every active provider and its enabled models, and apart
 * (`keyOnly`) the providers that need a key and have no platform key, whose models only callers with
 * their own key for them may use. Built once per catalog change, never per request.
 */
export function buildRoutingSnapshot(view: CatalogView, resolver: ProviderResolver): CatalogSnapshot {
  const providers = new Map<string, CatalogProvider>();
  const keyOnlyProviders = new Map<string, CatalogProvider>();
  for (const p of view.providers()) {
    const baseUrl = resolver.baseUrl(p);
    const status = providerStatus(p, resolver);
    if (baseUrl === undefined || (status !== 'active' && status !== 'needs_key')) continue;
    (status === 'active' ? providers : keyOnlyProviders).set(p.spec.slug, {
      slug: p.spec.slug,
      name: p.spec.name,
      kind: p.spec.kind,
      baseUrl,
      enabled: true,
      apiKey: resolver.apiKey(p.spec.slug),
      allowedPaidParams: p.spec.allowedPaidParams,
    });
  }
  const models: CatalogModel[] = [];
  const keyOnlyModels = new Map<string, CatalogModel[]>();
  for (const m of view.models()) {
    if (!m.enabled) continue;
    if (providers.has(m.spec.provider)) models.push(toCatalogModel(m));
    else if (keyOnlyProviders.has(m.spec.provider)) {
      const list = keyOnlyModels.get(m.spec.provider) ?? [];
      list.push(toCatalogModel(m));
      keyOnlyModels.set(m.spec.provider, list);
    }
  }
  return { providers, models, keyOnly: { providers: keyOnlyProviders, models: keyOnlyModels } };
}
