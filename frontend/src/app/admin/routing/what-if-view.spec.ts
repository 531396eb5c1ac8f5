import { whatIfResult } from './routing-fixtures';
import {
  changedRequests,
  compareRows,
  moneyChange,
  moneyDigits,
  rankingText,
  routeNote,
  whatIfRange,
} from './what-if-view';

const NOW = new Date('2026-12-07T15:30:00.000Z');

describe('what-if view', () => {
  it('resolves presets back from now and custom dates as whole UTC days, never past now', () => {
    expect(whatIfRange({ preset: '7d' }, NOW)).toEqual({
      from: '2026-11-30T15:30:00.000Z',
      to: '2026-12-07T15:30:00.000Z',
    });
    expect(whatIfRange({ preset: '24h' }, NOW)).toEqual({
      from: '2026-12-06T15:30:00.000Z',
      to: '2026-12-07T15:30:00.000Z',
    });
    expect(whatIfRange({ preset: 'custom', customFrom: '2026-12-01', customTo: '2026-12-02' }, NOW)).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-03T00:00:00.000Z',
    });
    expect(whatIfRange({ preset: 'custom', customFrom: '2026-12-05', customTo: '2026-12-09' }, NOW)).toEqual({
      from: '2026-12-05T00:00:00.000Z',
      to: '2026-12-07T15:30:00.000Z',
    });
  });

  it('says why custom dates cannot run', () => {
    expect(whatIfRange({ preset: 'custom', customFrom: '2026-12-01' }, NOW)).toEqual({
      problem: 'Enter both dates.',
    });
    expect(whatIfRange({ preset: 'custom', customFrom: '2026-12-03', customTo: '2026-12-01' }, NOW)).toEqual({
      problem: 'The end date must not be before the start date.',
    });
    expect(whatIfRange({ preset: 'custom', customFrom: '2026-12-08', customTo: '2026-12-09' }, NOW)).toEqual({
      problem: 'The start date is in the future: nothing is recorded yet.',
    });
  });

  it('puts both sides of a breakdown together, busiest first, a side without the key at zero', () => {
    const rows = compareRows(
      [
        { key: 'sage', requests: 40, costMicros: '1', chargeMicros: '840000' },
        { key: 'atlas', requests: 2, costMicros: '1', chargeMicros: '9000' },
      ],
      [
        { key: 'swift', requests: 30, costMicros: '1', chargeMicros: '157500' },
        { key: 'sage', requests: 12, costMicros: '1', chargeMicros: '52500' },
      ],
    );
    expect(rows).toEqual([
      { key: 'sage', requestsBefore: 40, requestsAfter: 12, chargeBefore: '840000', chargeAfter: '52500' },
      { key: 'swift', requestsBefore: 0, requestsAfter: 30, chargeBefore: '0', chargeAfter: '157500' },
      { key: 'atlas', requestsBefore: 2, requestsAfter: 0, chargeBefore: '9000', chargeAfter: '0' },
    ]);
  });

  it('formats money to one scale and the change with its sign and percent, exactly', () => {
    expect(moneyDigits(['840000', '210000'])).toBe(4);
    expect(moneyDigits(['12000000', '5'])).toBe(2);
    expect(moneyDigits(['105', '0'])).toBe(6);
    expect(moneyChange('840000', '210000', 4)).toBe('−$0.6300 (−75.0%)');
    expect(moneyChange('200000', '250000', 4)).toBe('+$0.0500 (+25.0%)');
    expect(moneyChange('0', '105', 6)).toBe('+$0.000105');
    expect(moneyChange('105', '105', 6)).toBe('no change');
  });

  it('explains a side: its ranking with preference bonuses, its chain and balancing draw', () => {
    const { before, after } = whatIfResult().sample[0]!;
    expect(rankingText(after)).toBe('mock-swift/swift-mini 0.912 (+0.050 preference)');
    expect(routeNote(after)).toBeNull();
    expect(
      routeNote({
        ...before,
        chain: { source: 'use_case', models: ['a/x'], applied: true },
        balancing: { bandPercent: 2, pool: ['a/x', 'b/y'], draw: 0.4, chosen: 'a/x' },
      }),
    ).toBe("followed the use case's chain; balancing drew a/x among 2 within 2%");
    expect(routeNote({ ...before, chain: { source: 'level', models: ['a/x'], applied: false } })).toBe(
      "the level's chain could not serve: score order",
    );
  });

  it('counts a request that changes provider once: it changes model too', () => {
    expect(changedRequests({ changed: { provider: 1, model: 5, noCandidate: 2, overCap: 3 } })).toBe(7);
  });
});
