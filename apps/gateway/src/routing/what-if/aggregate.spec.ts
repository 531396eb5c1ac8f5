import { aggregate, WhatIfAggregator } from './aggregate';
import type { ReplayedRequest } from './replay';

const replayed = (
  id: string,
  before: [string, bigint, bigint],
  after: [string | null, bigint, bigint],
  over: Partial<ReplayedRequest> = {},
): ReplayedRequest => {
  const side = ([model, cost, charge]: [string | null, bigint, bigint]) => ({
    modelId: model,
    provider: model === null ? null : model.split('/')[0]!,
    costMicros: cost,
    chargeMicros: charge,
    candidates: [],
  });
  const changed = after[0] !== before[0];
  return {
    requestId: id,
    userId: 'u1',
    at: '2026-11-30T23:00:00.000Z',
    before: side(before),
    after: side(after),
    changedModel: changed && after[0] !== null,
    changedProvider: changed && after[0] !== null && after[0].split('/')[0] !== before[0].split('/')[0],
    noCandidate: after[0] === null,
    ...over,
  };
};

describe('aggregate', () => {
  it('sums both sides as decimal strings, by provider and model, most requests first', () => {
    // Given three requests: one unchanged, one moved from a/x to b/y, one with no candidate
    const result = aggregate([
      replayed('1', ['a/x', 300n, 105n], ['a/x', 300n, 105n]),
      replayed('2', ['a/x', 10n, 4n], ['b/y', 6_000n, 2_100n]),
      replayed('3', ['b/y', 1n, 1n], [null, 0n, 0n]),
    ]);
    expect(result.requests).toBe(3);
    expect(result.before).toEqual({
      costMicros: '311',
      chargeMicros: '110',
      byProvider: [
        { key: 'a', requests: 2, costMicros: '310', chargeMicros: '109' },
        { key: 'b', requests: 1, costMicros: '1', chargeMicros: '1' },
      ],
      byModel: [
        { key: 'a/x', requests: 2, costMicros: '310', chargeMicros: '109' },
        { key: 'b/y', requests: 1, costMicros: '1', chargeMicros: '1' },
      ],
    });
    // The after-side leaves out the request nothing could serve (counted in changed.noCandidate)
    expect(result.after.costMicros).toBe('6300');
    expect(result.after.byProvider).toEqual([
      { key: 'a', requests: 1, costMicros: '300', chargeMicros: '105' },
      { key: 'b', requests: 1, costMicros: '6000', chargeMicros: '2100' },
    ]);
    expect(result.changed).toEqual({ provider: 1, model: 1, noCandidate: 1, overCap: 0 });
    expect(result.sample.map((s) => s.requestId)).toEqual(['2', '3']);
    expect(result.sample[0]).toMatchObject({
      before: { modelId: 'a/x', costMicros: '10', chargeMicros: '4' },
      after: { modelId: 'b/y', costMicros: '6000', chargeMicros: '2100' },
    });
  });

  it('counts the requests whose after-charges take a user past the monthly cap, per UTC month', () => {
    const caps = new Map([['u1', 250n]]);
    const agg = new WhatIfAggregator({ capOf: (u) => caps.get(u) });
    // November: 100 + 100 (200, under) + 100 (300, over) + 50 (350, over)
    for (const [id, charge] of [
      ['1', 100n],
      ['2', 100n],
      ['3', 100n],
      ['4', 50n],
    ] as const)
      agg.add(replayed(id, ['a/x', 1n, 1n], ['a/x', 1n, charge]));
    // December starts again at 0; another user has no cap
    agg.add(replayed('5', ['a/x', 1n, 1n], ['a/x', 1n, 200n], { at: '2026-12-01T00:00:00.000Z' }));
    agg.add(replayed('6', ['a/x', 1n, 1n], ['a/x', 1n, 10_000n], { userId: 'u2' }));
    expect(agg.result().changed.overCap).toBe(2);
    expect(aggregate([replayed('7', ['a/x', 1n, 1n], ['a/x', 1n, 10_000n])]).changed.overCap).toBe(0);
  });

  it('keeps at most sampleSize changed requests', () => {
    const many = Array.from({ length: 30 }, (_, i) => replayed(`${i}`, ['a/x', 1n, 1n], ['b/y', 2n, 2n]));
    expect(aggregate(many).sample).toHaveLength(20);
    expect(aggregate(many, { sampleSize: 5 }).sample.map((s) => s.requestId)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
    ]);
  });
});
