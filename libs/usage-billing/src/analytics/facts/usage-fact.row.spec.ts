import type { RecordedEvent } from '@gw/shared-kernel';
import {
  evolveUsageFact,
  isUsageFactEvent,
  SESSION_API_KEY,
  type UsageFact,
  type UsageFactEvent,
} from './usage-fact.row';
import { ALL_USERS, rollupDeltas, utcDay, utcHour } from './usage-rollup.delta';

const at = (
  n: number,
  type: string,
  data: Record<string, unknown>,
  when = '2026-11-05T10:15:00Z',
): UsageFactEvent =>
  ({
    id: `e${n}`,
    type,
    version: 1,
    data: { requestId: 'r1', userId: 'u1', ...data },
    metadata: { correlationId: 'r1', actorId: 'u1' },
    occurredAt: new Date(when),
    streamId: 'request-r1',
    revision: BigInt(n),
    position: { commit: BigInt(n), prepare: BigInt(n) },
  }) as RecordedEvent as UsageFactEvent;

const routed = at(1, 'RequestRouted', {
  chosenProvider: 'mock-a',
  chosenModelId: 'a-small',
  powerLevel: 'eco',
  keySource: 'byok',
  keyId: 'k1',
  streamed: true,
});
const fallback = at(2, 'FallbackTriggered', { fromModelId: 'a-small', toModelId: 'b-large', attempt: 2 });
const usage = (n: number, cost = '1500', when?: string): UsageFactEvent =>
  at(
    n,
    'UsageRecorded',
    {
      provider: 'mock-b',
      modelId: 'b-large',
      powerLevel: 'eco',
      keySource: 'byok',
      keyId: 'k1',
      promptTokens: 10,
      completionTokens: 20,
      cachedTokens: 3,
      estimated: false,
      providerCostMicros: cost,
      chargedMicros: '9007199254740993',
      latencyMs: 120,
      timeToFirstTokenMs: 40,
      streamed: true,
      finishReason: 'stop',
      outcome: 'completed',
      attempts: 2,
    },
    when,
  );
const failed = at(3, 'RequestFailed', {
  reason: 'upstream_error',
  status: 502,
  attempts: 3,
  lastProvider: 'mock-c',
});

const fold = (events: UsageFactEvent[], from: UsageFact | null = null): UsageFact | null =>
  events.reduce<UsageFact | null>((row, e) => evolveUsageFact(row, e), from);

describe('usage fact', () => {
  it('takes routing, then the usage of the attempt that answered', () => {
    const fact = fold([routed, fallback, usage(3)])!;
    expect(fact).toMatchObject({
      requestId: 'r1',
      userId: 'u1',
      provider: 'mock-b',
      modelId: 'b-large',
      powerLevel: 'eco',
      keySource: 'byok',
      outcome: 'completed',
      attempts: 2,
      promptTokens: 10,
      completionTokens: 20,
      cachedTokens: 3,
      cacheWriteTokens: 0,
      providerCostMicros: 1500n,
      chargedMicros: 9007199254740993n,
      latencyMs: 120,
      timeToFirstTokenMs: 40,
      lastPosition: { commit: 3n, prepare: 3n },
    });
  });

  it('a failure keeps the route, counts no tokens and no money, and names the last provider', () => {
    const fact = fold([routed, fallback, failed])!;
    expect(fact).toMatchObject({
      outcome: 'failed',
      provider: 'mock-c',
      modelId: 'b-large',
      powerLevel: 'eco',
      attempts: 3,
      promptTokens: 0,
      chargedMicros: 0n,
      latencyMs: null,
      failureReason: 'upstream_error',
      failureStatus: 502,
    });
  });

  it('a failure without a route is attributed to unknown', () => {
    expect(
      fold([at(1, 'RequestFailed', { reason: 'x', status: 500, attempts: 1, lastProvider: null })]),
    ).toMatchObject({ provider: 'unknown', modelId: 'unknown', powerLevel: 'unknown', outcome: 'failed' });
  });

  it('skips events at or before its position (redelivery)', () => {
    const once = fold([routed, usage(3)]);
    expect(fold([routed, usage(3), routed, usage(3)])).toEqual(once);
    expect(evolveUsageFact(once, usage(3))).toBe(once);
    expect(evolveUsageFact(once, routed)).toBe(once);
  });

  it('a correction replaces cost and charge only, on the request’s own day', () => {
    const fact = fold([routed, usage(3)])!;
    const repriced = evolveUsageFact(
      fact,
      at(
        4,
        'UsageRepriced',
        { modelId: 'b-large', providerCostMicros: '4000', chargedMicros: '1600' },
        '2026-12-05T00:00:00Z',
      ),
    );
    expect(repriced).toEqual({
      ...fact,
      providerCostMicros: 4000n,
      chargedMicros: 1600n,
      lastPosition: { commit: 4n, prepare: 4n },
    });
    const { daily } = rollupDeltas([{ before: fact, after: repriced }]);
    expect(daily.find((d) => d.key.userId === 'u1')).toMatchObject({
      key: { day: '2026-11-05' },
      delta: { requests: 0, providerCostMicros: 2500n },
    });
  });

  it('records the gateway key the request was made with; a signed-in session; or not known', () => {
    const withKey = at(1, 'RequestRouted', { ...routed.data, apiKeyId: 'gk1' });
    const session = at(1, 'RequestRouted', { ...routed.data, apiKeyId: null });
    expect(fold([withKey, usage(3)])!.apiKeyId).toBe('gk1');
    expect(fold([session, usage(3)])!.apiKeyId).toBe(SESSION_API_KEY);
    // Recorded before RequestRouted carried it.
    expect(fold([routed, usage(3)])!.apiKeyId).toBeNull();
  });

  it('handles only request events', () => {
    expect(isUsageFactEvent({ ...routed, type: 'KeyAdded' } as RecordedEvent)).toBe(false);
    expect(isUsageFactEvent(routed)).toBe(true);
  });
});

describe('rollup deltas', () => {
  it('a new fact adds to its day row and hour row, for the user and for all users', () => {
    const fact = fold([routed, usage(3)])!;
    const { daily, hourly } = rollupDeltas([{ before: null, after: fact }]);
    expect(daily.map((d) => d.key)).toEqual([
      {
        userId: 'u1',
        day: '2026-11-05',
        provider: 'mock-b',
        modelId: 'b-large',
        powerLevel: 'eco',
        keySource: 'byok',
        apiKeyId: '',
      },
      {
        userId: ALL_USERS,
        day: '2026-11-05',
        provider: 'mock-b',
        modelId: 'b-large',
        powerLevel: 'eco',
        keySource: 'byok',
        apiKeyId: '',
      },
    ]);
    expect(hourly.map((h) => h.key)).toEqual([
      { userId: 'u1', hour: '2026-11-05T10:00:00.000Z' },
      { userId: ALL_USERS, hour: '2026-11-05T10:00:00.000Z' },
    ]);
    expect(daily[0]!.delta).toMatchObject({
      requests: 1,
      fallbackRequests: 1,
      streamedRequests: 1,
      promptTokens: 10,
      providerCostMicros: 1500n,
      chargedMicros: 9007199254740993n,
      latencyMsSum: 120,
      latencyCount: 1,
      ttftCount: 1,
    });
  });

  it('the gateway key is a dimension of the day row', () => {
    const fact = fold([at(1, 'RequestRouted', { ...routed.data, apiKeyId: 'gk1' }), usage(3)])!;
    const { daily } = rollupDeltas([{ before: null, after: fact }]);
    expect(daily.map((d) => d.key.apiKeyId)).toEqual(['gk1', 'gk1']);
  });

  it('a request still being routed counts nowhere', () => {
    expect(rollupDeltas([{ before: null, after: fold([routed])! }])).toEqual({ daily: [], hourly: [] });
  });

  it('an unchanged fact moves nothing; a changed one moves exactly the difference', () => {
    const fact = fold([routed, usage(3)])!;
    expect(rollupDeltas([{ before: fact, after: fact }])).toEqual({ daily: [], hourly: [] });
    const repriced = { ...fact, providerCostMicros: 2000n, lastPosition: { commit: 9n, prepare: 9n } };
    const { daily, hourly } = rollupDeltas([{ before: fact, after: repriced }]);
    expect(daily).toHaveLength(2);
    expect(daily[0]!.delta).toMatchObject({ requests: 0, providerCostMicros: 500n, chargedMicros: 0n });
    expect(hourly).toHaveLength(2);
  });

  it('a fact that moves to another row leaves the old one and joins the new one', () => {
    const fact = fold([routed, usage(3)])!;
    const moved = fold([usage(4, '1500', '2026-11-06T00:00:00Z')], fact)!;
    const { daily } = rollupDeltas([{ before: fact, after: moved }]);
    const user = daily.filter((d) => d.key.userId === 'u1');
    expect(user.map((d) => [d.key.day, d.delta.requests])).toEqual([
      ['2026-11-05', -1],
      ['2026-11-06', 1],
    ]);
  });

  it('days and hours are UTC', () => {
    expect(utcDay(new Date('2026-11-05T23:30:00-02:00'))).toBe('2026-11-06');
    expect(utcHour(new Date('2026-11-05T23:30:00-02:00'))).toBe('2026-11-06T01:00:00.000Z');
  });
});
