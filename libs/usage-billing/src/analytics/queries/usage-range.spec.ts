import { ValidationError } from '@gw/shared-kernel';
import { assertBucketFits, resolveUsageRange, splitRange } from './usage-range';

const now = new Date('2026-12-01T12:34:56.789Z');
const d = (s: string): Date => new Date(s);

const paramOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e instanceof ValidationError ? (e as ValidationError & { meta?: unknown }) : e;
  }
  return 'no error';
};

describe('resolveUsageRange', () => {
  it('defaults to the 30 days up to now', () => {
    expect(resolveUsageRange({}, now)).toEqual({ from: d('2026-11-01T12:34:56.789Z'), to: now });
  });

  it('reads dates as UTC midnight and date-times with or without a zone', () => {
    expect(resolveUsageRange({ from: '2026-11-01', to: '2026-11-02T10:00:00+02:00' }, now)).toEqual({
      from: d('2026-11-01T00:00:00Z'),
      to: d('2026-11-02T08:00:00Z'),
    });
    expect(resolveUsageRange({ from: '2026-11-01T05:00' }, now).from).toEqual(d('2026-11-01T05:00:00Z'));
  });

  it.each([
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-02-30' }, 'to'],
    [{ from: '2026-13-01' }, 'from'],
    [{ from: '2026-11-02', to: '2026-11-01' }, 'from'],
    [{ from: '2025-01-01', to: '2026-11-01' }, 'from'],
  ])('%j is a 400 naming %s', (input, param) => {
    const error = paramOf(() => resolveUsageRange(input, now));
    expect(error).toBeInstanceOf(ValidationError);
    expect(JSON.stringify(error)).toContain(param);
  });

  it('has no longest range for the export', () => {
    expect(() => resolveUsageRange({ from: '2020-01-01' }, now, null)).not.toThrow();
  });
});

describe('splitRange', () => {
  it('whole days from the rollups, partial ends from the facts', () => {
    expect(splitRange({ from: d('2026-11-01T06:00:00Z'), to: d('2026-11-04T03:00:00Z') }, 'day')).toEqual({
      aligned: { from: d('2026-11-02T00:00:00Z'), to: d('2026-11-04T00:00:00Z') },
      edges: [
        { from: d('2026-11-01T06:00:00Z'), to: d('2026-11-02T00:00:00Z') },
        { from: d('2026-11-04T00:00:00Z'), to: d('2026-11-04T03:00:00Z') },
      ],
    });
  });

  it('an aligned range needs no facts; a range inside one day needs only facts', () => {
    expect(splitRange({ from: d('2026-11-01'), to: d('2026-11-03') }, 'day').edges).toEqual([]);
    const inside = { from: d('2026-11-01T01:00:00Z'), to: d('2026-11-01T05:30:00Z') };
    expect(splitRange(inside, 'day')).toEqual({ aligned: null, edges: [inside] });
    expect(splitRange(inside, 'hour')).toEqual({
      aligned: { from: d('2026-11-01T01:00:00Z'), to: d('2026-11-01T05:00:00Z') },
      edges: [{ from: d('2026-11-01T05:00:00Z'), to: d('2026-11-01T05:30:00Z') }],
    });
    expect(splitRange({ from: now, to: now }, 'day')).toEqual({ aligned: null, edges: [] });
  });
});

describe('assertBucketFits', () => {
  it('allows hourly buckets over 31 days at most, daily over any range', () => {
    const days = (n: number) => ({
      from: d('2026-01-01'),
      to: new Date(Date.parse('2026-01-01') + n * 86_400_000),
    });
    expect(() => assertBucketFits(days(31), 'hour')).not.toThrow();
    expect(() => assertBucketFits(days(32), 'hour')).toThrow(ValidationError);
    expect(() => assertBucketFits(days(400), 'day')).not.toThrow();
  });
});
