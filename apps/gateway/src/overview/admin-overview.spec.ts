import type { ProviderHealthReport, ProviderHealthSummary } from '@gw/routing';
import { countBy, notHealthyProviders, projectionLags, utcDays } from './admin-overview';

const provider = (
  slug: string,
  name: string,
  status: ProviderHealthSummary['status'],
): ProviderHealthSummary => ({
  provider: slug,
  name,
  enabled: true,
  status,
  uptime: 1,
  lastChange: null,
  credentials: [],
  requests: 10,
  successes: 7,
  successRate: 0.7,
  errors: { rateLimited: 0, serverError: 3, timeout: 0, auth: 0, other: 0 },
  latencyMs: { p50: 1, p95: 2, p99: 3 },
  ttftMs: { p50: null, p95: null, p99: null },
});

describe('admin overview', () => {
  it('today runs from UTC midnight to now; yesterday is the whole UTC day before', () => {
    const { today, yesterday } = utcDays(new Date('2026-12-07T00:30:00.000+02:00'));
    expect(today.from.toISOString()).toBe('2026-12-06T00:00:00.000Z');
    expect(today.to.toISOString()).toBe('2026-12-06T22:30:00.000Z');
    expect(yesterday.from.toISOString()).toBe('2026-12-05T00:00:00.000Z');
    expect(yesterday.to.toISOString()).toBe('2026-12-06T00:00:00.000Z');
  });

  it('lists the providers that are not healthy, down before degraded, then by name', () => {
    const report: ProviderHealthReport = {
      window: '1h',
      from: '2026-12-07T01:00:00.000Z',
      to: '2026-12-07T02:00:00.000Z',
      providers: [
        provider('b', 'Bravo', 'degraded'),
        provider('ok', 'Okay', 'healthy'),
        provider('z', 'Zulu', 'down'),
        provider('a', 'Alpha', 'degraded'),
      ],
    };
    expect(notHealthyProviders(report).map((p) => [p.provider, p.status])).toEqual([
      ['z', 'down'],
      ['a', 'degraded'],
      ['b', 'degraded'],
    ]);
    expect(notHealthyProviders(report)[0]).toEqual({
      provider: 'z',
      name: 'Zulu',
      status: 'down',
      enabled: true,
      successRate: 0.7,
      requests: 10,
    });
  });

  it('sums a counter by one label, the largest first, zeros left out', () => {
    const values = [
      { value: 2, labels: { tier: 'free', dimension: 'rpm' } },
      { value: 3, labels: { tier: 'starter', dimension: 'rpm' } },
      { value: 1, labels: { tier: 'free', dimension: 'tpm' } },
      { value: 0, labels: { tier: 'enterprise', dimension: 'rpd' } },
    ];
    expect(countBy(values, 'tier')).toEqual({
      total: 6,
      counts: [
        { key: 'free', count: 3 },
        { key: 'starter', count: 3 },
      ],
    });
    expect(countBy(values, 'dimension').counts).toEqual([
      { key: 'rpm', count: 5 },
      { key: 'tpm', count: 1 },
    ]);
    expect(countBy([], 'tier')).toEqual({ total: 0, counts: [] });
  });

  it('orders projection lags, the largest first, and rounds them to milliseconds', () => {
    expect(
      projectionLags([
        { projection: 'usage', seconds: 0 },
        { projection: 'health', seconds: 2.34567 },
      ]),
    ).toEqual({
      maxLagSeconds: 2.346,
      items: [
        { projection: 'health', lagSeconds: 2.346 },
        { projection: 'usage', lagSeconds: 0 },
      ],
    });
    expect(projectionLags([])).toEqual({ maxLagSeconds: 0, items: [] });
  });
});
