import type {
  ProviderHealthDetailView,
  ProviderHealthReport,
  ProviderHealthSummary,
} from './provider-health';
import type { ProviderView } from './providers-api';

export const aProvider = (over: Partial<ProviderView> = {}): ProviderView => ({
  slug: 'acme',
  name: 'Acme AI',
  kind: 'openai-compatible',
  baseUrl: 'https://api.acme.test/v1',
  requiresKey: true,
  allowedPaidParams: [],
  enabled: true,
  disabledReason: null,
  status: 'active',
  platformKey: { masked: 'sk-…wxyz', last4: 'wxyz', kekVersion: 1, setAt: '2026-12-01T10:00:00.000Z' },
  seeded: false,
  models: 2,
  health: { state: 'closed', recentErrorRate: 0, openSince: null, pausedUntil: null },
  ...over,
});

const stats = {
  requests: 120,
  successes: 114,
  successRate: 0.95,
  errors: { rateLimited: 2, serverError: 3, timeout: 1, auth: 0, other: 0 },
  latencyMs: { p50: 420, p95: 1300, p99: 2100 },
  ttftMs: { p50: 180, p95: 600, p99: 900 },
};

export const aSummary = (over: Partial<ProviderHealthSummary> = {}): ProviderHealthSummary => ({
  ...stats,
  provider: 'acme',
  name: 'Acme AI',
  enabled: true,
  status: 'healthy',
  uptime: 0.999,
  lastChange: null,
  credentials: [
    { ...stats, credential: 'platform' },
    { ...stats, requests: 0, successes: 0, successRate: null, credential: 'byok' },
  ],
  ...over,
});

export const aReport = (providers: ProviderHealthSummary[] = [aSummary()]): ProviderHealthReport => ({
  window: '24h',
  from: '2026-12-06T02:00:00.000Z',
  to: '2026-12-07T02:00:00.000Z',
  providers,
});

export const aDetail = (over: Partial<ProviderHealthDetailView> = {}): ProviderHealthDetailView => ({
  provider: 'acme',
  credential: 'platform',
  state: 'closed',
  recentErrorRate: 0,
  smoothedErrorRate: 0,
  openSince: null,
  pausedUntil: null,
  lastFailureAt: null,
  timeline: [
    { kind: 'degraded', reason: '5 consecutive failures', at: '2026-12-06T20:00:00.000Z', details: {} },
    { kind: 'recovered', reason: 'probe succeeded', at: '2026-12-06T20:05:00.000Z', details: {} },
  ],
  window: '24h',
  summary: aSummary(),
  series: Array.from({ length: 24 }, (_, i) => ({
    at: new Date(Date.UTC(2026, 11, 6, 2 + i)).toISOString(),
    requests: i === 18 ? 20 : 4,
    failures: i === 18 ? 6 : 0,
    latencyP95Ms: 1000 + i,
    healthy: i !== 18,
  })),
  ...over,
});
