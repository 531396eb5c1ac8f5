import { forecastMonth, FORECAST_WINDOW_MS, utcMonthOf, type ForecastInput } from './month-forecast';

const DAY = 86_400_000;

const given = (over: Partial<ForecastInput>): ForecastInput => ({
  now: new Date('2026-06-16T00:00:00Z'),
  monthToDateMicros: 0n,
  recentSpendMicros: 0n,
  recentWindowMs: FORECAST_WINDOW_MS,
  capMicros: null,
  balanceMicros: 0n,
  ...over,
});

describe('forecastMonth', () => {
  it('given no usage, then a zero rate, the month to date as forecast and no days-left figure', () => {
    const f = forecastMonth(given({ monthToDateMicros: 0n, balanceMicros: 5_000_000n }));
    expect(f.dailyRateMicros).toBe(0n);
    expect(f.forecastMonthEndMicros).toBe(0n);
    expect(f.daysOfCreditLeft).toBeNull();
    expect(f.projectedOverCap).toBe(false);
  });

  it('given 7,000 spent over the last week mid-June, then 1,000 a day over the 15 days left', () => {
    const f = forecastMonth(given({ monthToDateMicros: 20_000n, recentSpendMicros: 7_000n }));
    expect(f.monthStart.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(f.monthEnd.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(f.dailyRateMicros).toBe(1_000n);
    expect(f.forecastMonthEndMicros).toBe(35_000n);
  });

  it('the month boundary is UTC: 23:30 UTC on 31 January is still January, 00:00 on 1 February is not', () => {
    const lastHalfHour = forecastMonth(
      given({ now: new Date('2027-01-31T23:30:00Z'), recentSpendMicros: 7n * 48_000n }),
    );
    expect(lastHalfHour.monthStart.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    // 48,000 a day, half an hour left: 1,000 more.
    expect(lastHalfHour.forecastMonthEndMicros).toBe(1_000n);
    const first = forecastMonth(given({ now: new Date('2027-02-01T00:00:00Z') }));
    expect(first.monthStart.toISOString()).toBe('2027-02-01T00:00:00.000Z');
    expect(first.monthEnd.toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });

  it('on the first day of the month the rate comes from the last week, not from the few hours so far', () => {
    const f = forecastMonth(
      given({ now: new Date('2026-07-01T00:00:00Z'), monthToDateMicros: 0n, recentSpendMicros: 70_000n }),
    );
    expect(f.dailyRateMicros).toBe(10_000n);
    // The whole of July left: 31 days.
    expect(f.forecastMonthEndMicros).toBe(310_000n);
  });

  it('a leap February has 29 days, a common one 28', () => {
    const leap = forecastMonth(given({ now: new Date('2028-02-01T00:00:00Z'), recentSpendMicros: 7_000n }));
    expect(leap.monthEnd.toISOString()).toBe('2028-03-01T00:00:00.000Z');
    expect(leap.forecastMonthEndMicros).toBe(29_000n);
    const common = forecastMonth(given({ now: new Date('2027-02-01T00:00:00Z'), recentSpendMicros: 7_000n }));
    expect(common.forecastMonthEndMicros).toBe(28_000n);
  });

  it('December rolls into January of the next year', () => {
    expect(utcMonthOf(new Date('2026-12-31T12:00:00Z')).end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('projects over the cap only when the forecast passes it', () => {
    const at = (cap: bigint | null) =>
      forecastMonth(given({ monthToDateMicros: 20_000n, recentSpendMicros: 7_000n, capMicros: cap }))
        .projectedOverCap;
    expect(at(34_999n)).toBe(true);
    expect(at(35_000n)).toBe(false);
    expect(at(null)).toBe(false);
  });

  it('days of credit left is the balance over the daily rate, one decimal; none left is 0', () => {
    const f = forecastMonth(given({ recentSpendMicros: 7n * 3_000n, balanceMicros: 10_000n }));
    expect(f.daysOfCreditLeft).toBe(3.3);
    const spent = forecastMonth(given({ recentSpendMicros: 7_000n, balanceMicros: -5n }));
    expect(spent.daysOfCreditLeft).toBe(0);
  });

  it('a shorter window scales to a day', () => {
    const f = forecastMonth(given({ recentSpendMicros: 500n, recentWindowMs: DAY / 2 }));
    expect(f.dailyRateMicros).toBe(1_000n);
  });
});
