import type { AdminModelView, AdminProviderView, PriceVersionView } from './admin-models-api';

/** A model as GET /api/v1/admin/models lists it; `over` changes any of it. */
export const aModel = (over: Partial<AdminModelView> = {}): AdminModelView => ({
  id: 'acme/rocket-1',
  provider: 'acme',
  model: 'rocket-1',
  displayName: 'Rocket 1',
  prices: {
    inputPerMillionMicros: '2500000',
    outputPerMillionMicros: '10000000',
    cachedInputPerMillionMicros: '1250000',
    cacheWritePerMillionMicros: '2500000',
    cacheWrite1hPerMillionMicros: '2500000',
    perRequestMicros: '0',
    longContext: null,
  },
  priceVersion: 1,
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  capabilities: { streaming: true, tools: true, vision: false, jsonMode: true },
  quality: 0.8,
  typicalLatencyMs: 1000,
  powerLevels: ['balanced', 'precision'],
  minTier: 'free',
  enabled: true,
  disabledReason: null,
  deprecated: null,
  seeded: false,
  routable: true,
  ...over,
});

export const aProvider = (over: Partial<AdminProviderView> = {}): AdminProviderView => ({
  slug: 'acme',
  name: 'Acme AI',
  kind: 'openai-compatible',
  baseUrl: 'https://api.acme.test/v1',
  requiresKey: true,
  allowedPaidParams: [],
  enabled: true,
  disabledReason: null,
  status: 'active',
  platformKey: null,
  seeded: false,
  models: 1,
  health: { state: 'closed', recentErrorRate: 0, openSince: null, pausedUntil: null },
  ...over,
});

/** Three models of two providers: cheap and disabled, mid-priced, dear and deprecated. */
export const MODELS: AdminModelView[] = [
  aModel(),
  aModel({
    id: 'acme/pebble',
    model: 'pebble',
    displayName: 'Pebble',
    prices: { ...aModel().prices, inputPerMillionMicros: '150000', outputPerMillionMicros: '600000' },
    enabled: false,
    routable: false,
  }),
  aModel({
    id: 'zeta/meta/big-70b',
    provider: 'zeta',
    model: 'meta/big-70b',
    displayName: 'Big 70B',
    prices: {
      ...aModel().prices,
      inputPerMillionMicros: '15000000',
      outputPerMillionMicros: '60000000',
      perRequestMicros: '5000',
      longContext: {
        aboveTokens: 200_000,
        inputPerMillionMicros: '30000000',
        outputPerMillionMicros: '90000000',
      },
    },
    deprecated: { replacement: null, at: '2026-12-01T00:00:00.000Z' },
    contextWindow: 1_000_000,
  }),
];

export const PROVIDERS: AdminProviderView[] = [aProvider(), aProvider({ slug: 'zeta', name: 'Zeta Cloud' })];

export const aVersion = (version: number, input: string, at: string, by = 'u-admin'): PriceVersionView => ({
  version,
  prices: { ...aModel().prices, inputPerMillionMicros: input },
  changedBy: by,
  changedByName: by === 'u-admin' ? 'Admin' : null,
  changedAt: at,
});
