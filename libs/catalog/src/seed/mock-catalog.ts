import type { ModelSpec, ProviderSeed } from '../domain/catalog-specs';

/**
 * The local mock providers of embedded mode. Each is its own OpenAI-compatible server on 127.0.0.1
 * so that routing, fallback and health behave as they do with real providers.
 */
export interface MockProviderSpec {
  readonly slug: string;
  readonly name: string;
  /** Multiplies MOCK_LATENCY_MS: some mocks are faster than others. */
  readonly latencyFactor: number;
  readonly models: readonly ModelSpec[];
}

const caps = { streaming: true, tools: true, jsonMode: true };

export const MOCK_PROVIDERS: readonly MockProviderSpec[] = [
  {
    slug: 'mock-swift',
    name: 'Mock Swift (fast, cheap)',
    latencyFactor: 0.5,
    models: [
      {
        model: 'swift-mini',
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
        model: 'sage-medium',
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
        model: 'sage-large',
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
        model: 'atlas-1',
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

/**
 * Mock providers are registered with a `mock://<slug>/v1` base URL: where the built-in mock server of
 * that name listens, which changes with every start, is resolved by the running gateway.
 */
export const MOCK_URL_SCHEME = 'mock:';

export const mockBaseUrl = (slug: string): string => `mock://${slug}/v1`;

/** The mocks as catalog seeds: enabled, keyless, served by the built-in mock servers. */
export const MOCK_PROVIDER_SEEDS: readonly ProviderSeed[] = MOCK_PROVIDERS.map((spec) => ({
  provider: {
    slug: spec.slug,
    name: spec.name,
    kind: 'openai-compatible',
    baseUrl: mockBaseUrl(spec.slug),
    requiresKey: false,
  },
  enabled: true,
  models: spec.models,
}));
