import type { CatalogModel, CatalogProvider, CatalogSnapshot } from '../domain/catalog.types';

/**
 * The local mock providers of embedded mode. Each is its own OpenAI-compatible server on 127.0.0.1
 * so that routing, fallback and health behave as they do with real providers.
 */
export interface MockProviderSpec {
  readonly slug: string;
  readonly name: string;
  /** Multiplies MOCK_LATENCY_MS: some mocks are faster than others. */
  readonly latencyFactor: number;
  readonly models: ReadonlyArray<Omit<CatalogModel, 'id' | 'provider' | 'enabled'>>;
}

const caps = { streaming: true, tools: true, jsonMode: true };

export const MOCK_PROVIDERS: readonly MockProviderSpec[] = [
  {
    slug: 'mock-swift',
    name: 'Mock Swift (fast, cheap)',
    latencyFactor: 0.5,
    models: [
      {
        upstreamModel: 'swift-mini',
        displayName: 'Swift Mini',
        prices: { inputPerMillion: 100_000n, outputPerMillion: 400_000n, cachedInputPerMillion: 25_000n },
        contextWindow: 128_000,
        maxOutputTokens: 16_384,
        capabilities: { ...caps, vision: false },
        quality: 0.55,
        typicalLatencyMs: 400,
        powerLevels: ['eco', 'balanced'],
        minTier: 'free',
      },
    ],
  },
  {
    slug: 'mock-sage',
    name: 'Mock Sage (smart)',
    latencyFactor: 1.5,
    models: [
      {
        upstreamModel: 'sage-medium',
        displayName: 'Sage Medium',
        prices: { inputPerMillion: 500_000n, outputPerMillion: 1_500_000n, cachedInputPerMillion: 125_000n },
        contextWindow: 200_000,
        maxOutputTokens: 32_768,
        capabilities: { ...caps, vision: true },
        quality: 0.75,
        typicalLatencyMs: 900,
        powerLevels: ['eco', 'balanced', 'precision'],
        minTier: 'free',
      },
      {
        upstreamModel: 'sage-large',
        displayName: 'Sage Large',
        prices: {
          inputPerMillion: 2_500_000n,
          outputPerMillion: 10_000_000n,
          cachedInputPerMillion: 1_250_000n,
        },
        contextWindow: 200_000,
        maxOutputTokens: 32_768,
        capabilities: { ...caps, vision: true },
        quality: 0.93,
        typicalLatencyMs: 1_800,
        powerLevels: ['balanced', 'precision'],
        minTier: 'free',
      },
    ],
  },
  {
    slug: 'mock-atlas',
    name: 'Mock Atlas (balanced)',
    latencyFactor: 1,
    models: [
      {
        upstreamModel: 'atlas-1',
        displayName: 'Atlas 1',
        prices: {
          inputPerMillion: 1_000_000n,
          outputPerMillion: 4_000_000n,
          cachedInputPerMillion: 250_000n,
        },
        contextWindow: 128_000,
        maxOutputTokens: 16_384,
        capabilities: { ...caps, vision: true },
        quality: 0.82,
        typicalLatencyMs: 1_100,
        powerLevels: ['balanced', 'precision'],
        minTier: 'free',
      },
    ],
  },
];

/** Builds the catalog snapshot for mock providers listening at the given base URLs (slug → URL). */
export function mockCatalog(baseUrls: ReadonlyMap<string, string>): CatalogSnapshot {
  const providers = new Map<string, CatalogProvider>();
  const models: CatalogModel[] = [];
  for (const spec of MOCK_PROVIDERS) {
    const baseUrl = baseUrls.get(spec.slug);
    if (!baseUrl) continue;
    providers.set(spec.slug, {
      slug: spec.slug,
      name: spec.name,
      kind: 'openai-compatible',
      baseUrl: `${baseUrl}/v1`,
      enabled: true,
    });
    for (const m of spec.models) {
      models.push({ ...m, id: `${spec.slug}/${m.upstreamModel}`, provider: spec.slug, enabled: true });
    }
  }
  return { providers, models };
}
