import type { CatalogModelsView, CatalogModelView } from './models-api';

const base: CatalogModelView = {
  id: 'swift/mini',
  provider: 'swift',
  providerName: 'Swift AI',
  name: 'Swift Mini',
  capabilities: ['streaming', 'tools', 'json'],
  contextWindow: 128_000,
  maxOutputTokens: 16_000,
  inputPerMTokMicros: '150000',
  outputPerMTokMicros: '600000',
  cachedInputPerMTokMicros: '75000',
  powerLevels: ['eco', 'balanced', 'precision'],
  p50LatencyMs: 420,
  typicalLatencyMs: 500,
  health: 'healthy',
  usableOnMyTier: true,
  unlockTier: null,
  enabled: true,
  requiresOwnKey: false,
  deprecated: null,
};

export const MODELS: readonly CatalogModelView[] = [
  base,
  {
    ...base,
    id: 'sage/medium',
    provider: 'sage',
    providerName: 'Sage Labs',
    name: 'Sage Medium',
    capabilities: ['streaming', 'vision'],
    contextWindow: 200_000,
    inputPerMTokMicros: '3000000',
    outputPerMTokMicros: '15000000',
    powerLevels: ['balanced', 'precision'],
    p50LatencyMs: null,
    health: 'degraded',
  },
  {
    ...base,
    id: 'sage/max',
    provider: 'sage',
    providerName: 'Sage Labs',
    name: 'Sage Max',
    capabilities: ['streaming', 'tools', 'vision'],
    contextWindow: 1_000_000,
    inputPerMTokMicros: '75000',
    outputPerMTokMicros: '75000000',
    powerLevels: ['precision'],
    p50LatencyMs: 1_800,
    health: 'down',
    usableOnMyTier: false,
    unlockTier: 'professional',
  },
];

export const CATALOG: CatalogModelsView = {
  models: [...MODELS],
  aliases: [
    { name: 'auto', description: 'The router picks a model at your power level.' },
    { name: 'eco', description: 'The router picks a model at the eco power level: cheapest first.' },
  ],
};
