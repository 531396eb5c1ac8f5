import { bucketKeys, bucketLabel, customRangeProblem, resolveRange } from './usage-range';

const NOW = new Date('2026-12-06T23:10:30.000Z');

describe('resolveRange', () => {
  it('puts "24 hours" on hour boundaries: the current hour and the 23 before it, hourly', () => {
    expect(resolveRange({ preset: '24h' }, NOW)).toEqual({
      query: { from: '2026-12-06T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' },
      until: NOW.toISOString(),
      defaultBucket: 'hour',
      hourAllowed: true,
    });
    expect(resolveRange({ preset: '24h' }, new Date('2026-12-06T12:00:00.000Z'))?.query).toEqual({
      from: '2026-12-05T13:00:00.000Z',
      to: '2026-12-06T13:00:00.000Z',
    });
  });

  it('makes "7 days" and "30 days" whole UTC days, today included (hourly up to 7 days, daily beyond)', () => {
    const week = resolveRange({ preset: '7d' }, NOW)!;
    expect(week.query).toEqual({ from: '2026-11-30T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' });
    expect(week.defaultBucket).toBe('hour');
    const month = resolveRange({ preset: '30d' }, NOW)!;
    expect(month.query).toEqual({ from: '2026-11-07T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' });
    expect(month.defaultBucket).toBe('day');
    expect(month.hourAllowed).toBe(true);
    expect(month.until).toBe(NOW.toISOString());
  });

  it('starts "this month" at the first day of the UTC month', () => {
    expect(resolveRange({ preset: 'month' }, NOW)?.query).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-07T00:00:00.000Z',
    });
  });

  it('reads custom dates as whole UTC days with the end date included', () => {
    const r = resolveRange({ preset: 'custom', customFrom: '2026-01-01', customTo: '2026-03-31' }, NOW)!;
    expect(r.query).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    expect(r.until).toBe('2026-04-01T00:00:00.000Z');
    expect(r.hourAllowed).toBe(false);
    expect(r.defaultBucket).toBe('day');
  });

  it('refuses custom dates that are missing, reversed, impossible or too far apart', () => {
    expect(resolveRange({ preset: 'custom', customFrom: '2026-01-01' }, NOW)).toBeNull();
    expect(customRangeProblem('2026-02-01', '2026-01-01')).toMatch(/not be before/);
    expect(customRangeProblem('2026-02-30', '2026-03-01')).toBe('Enter both dates.');
    expect(customRangeProblem('2024-01-01', '2026-01-01')).toMatch(/at most 400 days/);
    expect(customRangeProblem('2026-01-01', '2026-01-01')).toBeNull();
  });
});

describe('bucketKeys', () => {
  it('lists every hour of a range in the gateway’s bucket format, the partial first hour included', () => {
    const keys = bucketKeys({ from: '2026-12-06T21:30:00.000Z', to: '2026-12-06T23:10:00.000Z' }, 'hour');
    expect(keys).toEqual(['2026-12-06T21:00:00Z', '2026-12-06T22:00:00Z', '2026-12-06T23:00:00Z']);
  });

  it('lists days as YYYY-MM-DD', () => {
    expect(bucketKeys({ from: '2026-11-29T12:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }, 'day')).toEqual([
      '2026-11-29',
      '2026-11-30',
    ]);
  });

  it('labels buckets in UTC', () => {
    expect(bucketLabel('2026-12-06', 'day')).toBe('Dec 6');
    expect(bucketLabel('2026-12-06T14:00:00Z', 'hour')).toBe('Dec 6, 14:00');
  });
});
