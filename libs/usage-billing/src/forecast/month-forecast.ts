import type { Micros } from '@gw/shared-kernel';

const DAY_MS = 86_400_000;

/** The month (UTC) an instant falls in: its first instant, and the first instant of the next month. */
export function utcMonthOf(at: Date): { readonly start: Date; readonly end: Date } {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
}

/** How long the recent-rate window is: the last 7 days. */
export const FORECAST_WINDOW_MS = 7 * DAY_MS;

export interface ForecastInput {
  readonly now: Date;
  /** Spent this month (UTC) so far: the figure the monthly cap is checked against. */
  readonly monthToDateMicros: Micros;
  /** Charged over the recent window ending now, and that window's length (ms, > 0). */
  readonly recentSpendMicros: Micros;
  readonly recentWindowMs: number;
  readonly capMicros: Micros | null;
  readonly balanceMicros: Micros;
}

export interface MonthForecast {
  readonly monthStart: Date;
  /** Exclusive: the first instant of the next month (UTC). */
  readonly monthEnd: Date;
  /** The recent window's spend per 24 hours, rounded half up. */
  readonly dailyRateMicros: Micros;
  /** Month to date plus the daily rate over what is left of the month, rounded half up. */
  readonly forecastMonthEndMicros: Micros;
  /** A cap is set and the forecast is above it. */
  readonly projectedOverCap: boolean;
  /** Balance ÷ daily rate, one decimal (0 when nothing is left); null when the rate is 0. */
  readonly daysOfCreditLeft: number | null;
}

/** a × b / d rounded half up, for non-negative a, b and positive d. */
const mulDivHalfUp = (a: bigint, b: bigint, d: bigint): bigint => (a * b + d / 2n) / d;

/**
 * Pure: the month-end forecast at `now`. The rate is the recent window's spend scaled to a day, so
 * a month that just began is forecast from the last week rather than from a few hours; the forecast
 * adds that rate over the rest of the month (to the millisecond, calendar months and leap years
 * included) to what is spent so far.
 */
export function forecastMonth(input: ForecastInput): MonthForecast {
  const { start, end } = utcMonthOf(input.now);
  const recent = input.recentSpendMicros > 0n ? input.recentSpendMicros : 0n;
  const windowMs = BigInt(Math.max(1, Math.round(input.recentWindowMs)));
  const dailyRate = mulDivHalfUp(recent, BigInt(DAY_MS), windowMs);
  const remainingMs = BigInt(Math.max(0, end.getTime() - input.now.getTime()));
  const forecast = input.monthToDateMicros + mulDivHalfUp(dailyRate, remainingMs, BigInt(DAY_MS));
  const balance = input.balanceMicros > 0n ? input.balanceMicros : 0n;
  return {
    monthStart: start,
    monthEnd: end,
    dailyRateMicros: dailyRate,
    forecastMonthEndMicros: forecast,
    projectedOverCap: input.capMicros !== null && forecast > input.capMicros,
    daysOfCreditLeft: dailyRate === 0n ? null : Number(mulDivHalfUp(balance, 10n, dailyRate)) / 10,
  };
}
