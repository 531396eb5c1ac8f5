import type {
  PreviewCandidate,
  RoutingPolicyVersion,
  RoutingPolicyView,
  RoutingPreviewView,
} from './routing-api';

/** The product defaults as GET /api/v1/admin/routing/policy answers them, at `version`. */
export const policyView = (version = 0): RoutingPolicyView => ({
  version,
  levels: {
    eco: {
      strategy: 'cost',
      weights: { cost: 0.7, latency: 0.2, quality: 0.1 },
      maxPricePer1kMicros: '1000',
      latencyBoundMs: 10_000,
      preferredProviders: [],
      latencyCapMs: 10_000,
      chain: [],
    },
    balanced: {
      strategy: 'balanced',
      weights: { cost: 0.4, latency: 0.4, quality: 0.2 },
      maxPricePer1kMicros: '10000',
      latencyBoundMs: 10_000,
      preferredProviders: [],
      latencyCapMs: 5_000,
      chain: [],
    },
    precision: {
      strategy: 'custom',
      weights: { cost: 0.1, latency: 0.3, quality: 0.6 },
      maxPricePer1kMicros: '100000',
      latencyBoundMs: 30_000,
      preferredProviders: [],
      latencyCapMs: 2_000,
      chain: [],
    },
  },
  maxAttempts: 3,
  attemptTimeoutMs: 60_000,
  byokBonus: 0.1,
  fallbackOn: ['rate_limited', 'auth', 'timeout', 'server', 'connection'],
  preferenceBonus: 0.05,
  requestDeadlineMs: 120_000,
  useCases: {},
  balancing: { enabled: false, bandPercent: 2, weights: {} },
  providerLimits: {},
});

const candidate = (
  modelId: string,
  rank: number,
  savedRank: number | null,
  score: number,
): PreviewCandidate => ({
  rank,
  savedRank,
  modelId,
  provider: modelId.split('/')[0]!,
  displayName: modelId.split('/')[1]!,
  score,
  components: { cost: 0.9, latency: 0.9, quality: 0.8, errorPenalty: 0 },
  pricePer1kMicros: '1000',
  latencyMs: 900,
  overLatencyBound: false,
  preferred: false,
  withinAttempts: rank <= 3,
});

/** A preview where precision moved sage-medium from 2nd to 1st; eco has one model over its price. */
export const previewView = (): RoutingPreviewView => {
  const saved = [
    candidate('mock-sage/sage-large', 1, 1, 0.93),
    candidate('mock-sage/sage-medium', 2, 2, 0.84),
  ];
  return {
    request: { message: 'Hello', promptTokens: 30, tier: 'enterprise', stream: false, byok: false },
    saved: policyView(0),
    levels: [
      {
        powerLevel: 'eco',
        requestedModel: 'eco',
        draft: {
          candidates: [candidate('mock-swift/swift-mini', 1, 1, 0.95)],
          excluded: [
            {
              modelId: 'mock-sage/sage-medium',
              provider: 'mock-sage',
              displayName: 'Sage Medium',
              reason: 'price',
              pricePer1kMicros: '1000',
            },
          ],
          // Its only model is over eco's price: the chain cannot apply.
          chain: { source: 'level', models: ['mock-sage/sage-medium'], applied: false },
        },
        saved: { candidates: [candidate('mock-swift/swift-mini', 1, 1, 0.95)], excluded: [], chain: null },
      },
      {
        powerLevel: 'balanced',
        requestedModel: 'balanced',
        draft: { candidates: [candidate('mock-swift/swift-mini', 1, 1, 0.88)], excluded: [], chain: null },
        saved: { candidates: [candidate('mock-swift/swift-mini', 1, 1, 0.88)], excluded: [], chain: null },
      },
      {
        powerLevel: 'precision',
        requestedModel: 'precision',
        draft: {
          candidates: [
            {
              ...candidate('mock-sage/sage-medium', 1, 2, 0.97),
              components: {
                cost: 0.9,
                latency: 0.9,
                quality: 0.8,
                errorPenalty: 0,
                preference: 0.05,
                rateLimit: 0.4,
              },
            },
            candidate('mock-sage/sage-large', 2, 1, 0.9),
          ],
          excluded: [],
          chain: null,
        },
        saved: { candidates: saved, excluded: [], chain: null },
      },
    ],
  };
};

export const versionView = (version: number, costWeight: number): RoutingPolicyVersion => {
  const policy = policyView(version);
  return {
    version,
    changedBy: 'u-admin',
    changedByName: 'Admin',
    changedAt: `2026-12-0${version}T10:00:00.000Z`,
    policy: {
      ...policy,
      levels: {
        ...policy.levels,
        precision: {
          ...policy.levels.precision,
          weights: { cost: costWeight, latency: 0.3, quality: 0.7 - costWeight },
        },
      },
    },
  };
};
