import type { AdminOverview } from './overview-api';

export const overview: AdminOverview = {
  generatedAt: '2026-12-07T02:00:00.000Z',
  today: {
    from: '2026-12-07T00:00:00.000Z',
    to: '2026-12-07T02:00:00.000Z',
    requests: 150,
    failedRequests: 2,
    fallbackRequests: 3,
    fallbackRate: 0.02,
    chargedMicros: '3000000',
    providerCostMicros: '2000000',
  },
  yesterday: {
    from: '2026-12-06T00:00:00.000Z',
    to: '2026-12-07T00:00:00.000Z',
    requests: 100,
    failedRequests: 0,
    fallbackRequests: 0,
    fallbackRate: 0,
    chargedMicros: '4000000',
    providerCostMicros: '3000000',
  },
  providers: {
    window: '1h',
    total: 4,
    notHealthy: [
      {
        provider: 'mock-flaky',
        name: 'Mock Flaky',
        status: 'down',
        enabled: true,
        successRate: 0.5,
        requests: 10,
      },
    ],
  },
  refusals: {
    since: '2026-12-07T01:00:00.000Z',
    budget: { total: 2, byReason: [{ key: 'balance', count: 2 }] },
    rateLimit: { total: 5, byTier: [{ key: 'free', count: 5 }], byDimension: [{ key: 'rpm', count: 5 }] },
  },
  projections: { maxLagSeconds: 0, items: [{ projection: 'usage', lagSeconds: 0 }] },
};
