import type {
  PreviewCandidate,
  RoutingPolicyVersion,
  RoutingPolicyView,
  RoutingPreviewView,
  WhatIfJob,
  WhatIfResult,
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

/** A finished what-if: 40 requests moved from sage to swift, charged $0.84 → $0.21. */
export const whatIfResult = (): WhatIfResult => ({
  requests: 40,
  before: {
    costMicros: '560000',
    chargeMicros: '840000',
    byProvider: [{ key: 'mock-sage', requests: 40, costMicros: '560000', chargeMicros: '840000' }],
    byModel: [{ key: 'mock-sage/sage-medium', requests: 40, costMicros: '560000', chargeMicros: '840000' }],
  },
  after: {
    costMicros: '140000',
    chargeMicros: '210000',
    byProvider: [
      { key: 'mock-swift', requests: 30, costMicros: '105000', chargeMicros: '157500' },
      { key: 'mock-sage', requests: 10, costMicros: '35000', chargeMicros: '52500' },
    ],
    byModel: [
      { key: 'mock-swift/swift-mini', requests: 30, costMicros: '105000', chargeMicros: '157500' },
      { key: 'mock-sage/sage-mini', requests: 10, costMicros: '35000', chargeMicros: '52500' },
    ],
  },
  changed: { provider: 30, model: 40, noCandidate: 0, overCap: 2 },
  sample: [
    {
      requestId: 'req-1',
      userId: 'user-1',
      at: '2026-12-01T10:00:00.000Z',
      before: {
        modelId: 'mock-sage/sage-medium',
        provider: 'mock-sage',
        costMicros: '14000',
        chargeMicros: '21000',
        candidates: [
          {
            modelId: 'mock-sage/sage-medium',
            provider: 'mock-sage',
            score: 0.909,
            components: { cost: 0.9, latency: 1, quality: 0.75, errorPenalty: 0 },
          },
        ],
      },
      after: {
        modelId: 'mock-swift/swift-mini',
        provider: 'mock-swift',
        costMicros: '3500',
        chargeMicros: '5250',
        candidates: [
          {
            modelId: 'mock-swift/swift-mini',
            provider: 'mock-swift',
            score: 0.912,
            components: { cost: 0.9, latency: 0.8, quality: 0.5, errorPenalty: 0, preference: 0.05 },
          },
        ],
      },
    },
  ],
});

/** A what-if job as the gateway answers it. */
export const whatIfJob = (status: WhatIfJob['status'], percent = 100, processed = 40): WhatIfJob => ({
  id: 'job-1',
  status,
  percent,
  processed,
  startedAt: '2026-12-07T10:00:00.000Z',
  finishedAt: status === 'running' ? null : '2026-12-07T10:00:02.000Z',
  request: {
    from: '2026-11-30T10:00:00.000Z',
    to: '2026-12-07T10:00:00.000Z',
    powerLevel: null,
    filters: {},
    catalog: 'then',
    billing: 'then',
  },
  result: status === 'done' ? whatIfResult() : null,
  error: status === 'cancelled' ? 'cancelled' : null,
});
