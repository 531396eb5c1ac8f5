import type { CatalogModel } from '../domain/catalog.types';

/**
 * A routable model for tests: `provider/model` from the id, mid-priced (0.1 $/M in, 0.4 $/M out),
 * 128k context, streaming, tools and JSON mode, every power level, free tier; `over` changes any of it.
 */
export const catalogModel = (id: string, over: Partial<CatalogModel> = {}): CatalogModel => ({
  id,
  provider: id.split('/')[0]!,
  upstreamModel: id.split('/')[1]!,
  displayName: id,
  prices: { inputPerMillion: 100_000n, outputPerMillion: 400_000n, cachedInputPerMillion: 50_000n },
  contextWindow: 128_000,
  maxOutputTokens: 4096,
  capabilities: { streaming: true, tools: true, vision: false, jsonMode: true },
  quality: 0.5,
  typicalLatencyMs: 1000,
  powerLevels: ['eco', 'balanced', 'precision'],
  minTier: 'free',
  enabled: true,
  ...over,
});
