import type {
  UsageBreakdown,
  UsageByKeyView,
  UsageForecastView,
  UsageRequestsPage,
  UsageRequestView,
  UsageSummary,
  UsageTimeseries,
  UsageTotals,
} from './usage-api';

/** Answers of the usage queries, for the specs (shapes as the gateway sends them). */
export const totals = (requests: number, chargedMicros = '0'): UsageTotals => ({
  requests,
  failedRequests: 0,
  interruptedRequests: 0,
  fallbackRequests: 0,
  streamedRequests: 0,
  promptTokens: requests * 10,
  completionTokens: requests * 5,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  totalTokens: requests * 15,
  providerCostMicros: chargedMicros,
  chargedMicros,
  fallbackRate: 0,
  failureRate: 0,
  avgLatencyMs: requests ? 120 : null,
  avgTimeToFirstTokenMs: null,
});

const RANGE = { from: '2026-11-29T23:10:30.000Z', to: '2026-12-06T23:10:30.000Z', userId: 'u1' };

export const summaryOf = (requests: number, chargedMicros = '0'): UsageSummary => ({
  ...RANGE,
  ...totals(requests, chargedMicros),
  byok: { ...totals(0), shareOfRequests: 0, shareOfCost: 0 },
  platform: { ...totals(requests, chargedMicros), shareOfRequests: 1, shareOfCost: 1 },
});

export const breakdownOf = (dimension: UsageBreakdown['dimension'], requests: number): UsageBreakdown => ({
  ...RANGE,
  dimension,
  data:
    requests === 0
      ? []
      : [
          {
            ...totals(requests, '1500000'),
            provider: 'mock-swift',
            model: dimension === 'model' ? 'swift-mini' : undefined,
            powerLevel: dimension === 'powerLevel' ? 'balanced' : undefined,
            shareOfRequests: 1,
            shareOfCharge: 1,
          },
        ],
});

export const byKeyOf = (requests: number): UsageByKeyView => ({
  from: RANGE.from,
  to: RANGE.to,
  rows:
    requests === 0
      ? []
      : [
          {
            apiKeyId: 'k1',
            label: 'CI key',
            masked: 'sk-gw-…a1b2',
            revoked: false,
            requests,
            promptTokens: requests * 10,
            completionTokens: requests * 5,
            costMicros: '1500000',
            shareOfRequests: 1,
            shareOfCharge: 1,
          },
        ],
});

export const seriesOf = (requests: number): UsageTimeseries => ({
  ...RANGE,
  bucket: 'hour',
  data: requests === 0 ? [] : [{ bucket: '2026-12-06T22:00:00Z', ...totals(requests, '1500000') }],
});

export const requestRow = (requestId: string): UsageRequestView => ({
  requestId,
  occurredAt: '2026-12-06T22:15:00.000Z',
  userId: 'u1',
  provider: 'mock-swift',
  model: 'swift-mini',
  powerLevel: 'balanced',
  keySource: 'platform',
  outcome: 'completed',
  attempts: 1,
  streamed: false,
  promptTokens: 10,
  completionTokens: 5,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  totalTokens: 15,
  estimated: false,
  providerCostMicros: '100',
  chargedMicros: '150',
  latencyMs: 120,
  timeToFirstTokenMs: null,
  finishReason: 'stop',
  failureReason: null,
  explanationUrl: `/api/v1/requests/${requestId}`,
});

export const pageOf = (ids: readonly string[], nextCursor: string | null = null): UsageRequestsPage => ({
  ...RANGE,
  data: ids.map(requestRow),
  nextCursor,
});

export const forecastOf = (capMicros: string | null = '10000000'): UsageForecastView => ({
  monthStart: '2026-12-01T00:00:00.000Z',
  monthEnd: '2027-01-01T00:00:00.000Z',
  monthToDateMicros: '2500000',
  forecastMonthEndMicros: '12000000',
  capMicros,
  capMode: capMicros === null ? null : 'hard',
  projectedOverCap: capMicros !== null,
  dailyRateMicros: '400000',
  rateWindow: { from: '2026-11-29T23:10:30.000Z', to: '2026-12-06T23:10:30.000Z' },
  balanceMicros: '5000000',
  daysOfCreditLeft: 12.5,
});
