import type { RecordedEvent } from '@gw/shared-kernel';
import { evolveUsageTotals, isUsageTotalsEvent, type UsageTotalsRow } from './usage-totals-by-user.row';

const at = (n: number, type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: `e${n}`,
  type,
  version: 1,
  data,
  metadata: { correlationId: 'c', actorId: 'u1' },
  occurredAt: new Date(),
  streamId: `request-r${n}`,
  revision: 1n,
  position: { commit: BigInt(n), prepare: BigInt(n) },
});

const usage = (n: number, prompt: number, completion: number, cost: string): RecordedEvent =>
  at(n, 'UsageRecorded', {
    userId: 'u1',
    promptTokens: prompt,
    completionTokens: completion,
    cachedTokens: 1,
    providerCostMicros: cost,
    chargedMicros: cost,
  });

const fold = (events: RecordedEvent[]): UsageTotalsRow | null =>
  events
    .filter(isUsageTotalsEvent)
    .reduce<UsageTotalsRow | null>((row, e) => evolveUsageTotals(row, e), null);

describe('usage totals by user', () => {
  it('adds tokens and money exactly', () => {
    const row = fold([usage(1, 10, 20, '9007199254740993'), usage(2, 5, 5, '7')]);
    expect(row).toMatchObject({
      requests: 2,
      promptTokens: 15,
      completionTokens: 25,
      cachedTokens: 2,
      providerCostMicros: 9007199254741000n,
    });
  });

  it('counts failures as requests too', () => {
    const row = fold([usage(1, 1, 1, '1'), at(2, 'RequestFailed', { userId: 'u1' })]);
    expect(row).toMatchObject({ requests: 2, failedRequests: 1, promptTokens: 1 });
  });

  it('skips an event at or before the row position (idempotent replay)', () => {
    const e = usage(3, 10, 10, '10');
    const once = fold([e]);
    expect(fold([e, e])).toEqual(once);
    expect(evolveUsageTotals(once, usage(2, 100, 100, '100') as never)).toEqual(once);
  });

  it('ignores events it does not handle', () => {
    expect(isUsageTotalsEvent(at(1, 'RequestRouted', {}))).toBe(false);
  });
});
