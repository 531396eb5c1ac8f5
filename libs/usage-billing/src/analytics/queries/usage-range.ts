import { ValidationError } from '@gw/shared-kernel';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export const DEFAULT_RANGE_DAYS = 30;
/** Longest range for every query but the export (which streams any range). */
export const MAX_RANGE_DAYS = 400;

/** A half-open interval [from, to) of instants. */
export interface UsageRange {
  readonly from: Date;
  readonly to: Date;
}

/** Whose usage: one user's, or every user's together (ALL_USERS in the rollups). */
export type UsageScope = { readonly kind: 'user'; readonly userId: string } | { readonly kind: 'all' };

/** ISO 8601 date or date-time with an explicit zone or none (a date alone is UTC midnight). */
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseInstant(value: string | undefined, param: 'from' | 'to'): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const zoned = !value.includes('T') || /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  const date = ISO.test(value) ? new Date(zoned ? value : `${value}Z`) : null;
  // new Date() rolls 2026-02-30 over to March: the calendar date must survive the round trip.
  const offset = /[+-]\d{2}:?\d{2}$/.test(value);
  const calendar =
    date !== null &&
    !Number.isNaN(date.getTime()) &&
    (offset || date.toISOString().slice(0, 10) === value.slice(0, 10));
  if (!date || !calendar)
    throw new ValidationError(
      'USAGE.INVALID_DATE',
      `${param} must be an ISO 8601 date or date-time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z)`,
      { param },
    );
  return date;
}

/**
 * `from`/`to` of a usage query: [from, to), by default the 30 days up to now; `to` defaults to now and
 * `from` to 30 days before `to`. from after to is a 400 naming `from`; so is a range longer than
 * `maxDays` (none for the export). Date-times without a zone are UTC.
 */
export function resolveUsageRange(
  input: { readonly from?: string; readonly to?: string },
  now: Date,
  maxDays: number | null = MAX_RANGE_DAYS,
): UsageRange {
  const to = parseInstant(input.to, 'to') ?? now;
  const from = parseInstant(input.from, 'from') ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (from.getTime() > to.getTime())
    throw new ValidationError('USAGE.INVALID_RANGE', 'from must not be after to', { param: 'from' });
  if (maxDays !== null && to.getTime() - from.getTime() > maxDays * DAY_MS)
    throw new ValidationError('USAGE.RANGE_TOO_LONG', `from and to may be at most ${maxDays} days apart`, {
      param: 'from',
    });
  return { from, to };
}

export type Grain = 'day' | 'hour';

const floorTo = (at: Date, ms: number): number => Math.floor(at.getTime() / ms) * ms;
const ceilTo = (at: Date, ms: number): number => Math.ceil(at.getTime() / ms) * ms;

/**
 * Where a range's answer comes from: whole UTC days (or hours) inside it from the rollups, the partial
 * ends from the facts, so the answer is exact either way. `aligned` is null when the range holds no
 * whole unit (everything comes from the facts).
 */
export interface RangeSplit {
  readonly aligned: UsageRange | null;
  readonly edges: readonly UsageRange[];
}

export function splitRange(range: UsageRange, grain: Grain): RangeSplit {
  const unit = grain === 'day' ? DAY_MS : HOUR_MS;
  const start = ceilTo(range.from, unit);
  const end = floorTo(range.to, unit);
  if (start >= end) return { aligned: null, edges: range.from < range.to ? [range] : [] };
  const edges: UsageRange[] = [];
  if (range.from.getTime() < start) edges.push({ from: range.from, to: new Date(start) });
  if (end < range.to.getTime()) edges.push({ from: new Date(end), to: range.to });
  return { aligned: { from: new Date(start), to: new Date(end) }, edges };
}

/** Hourly buckets cover at most this many days (744 buckets); longer ranges chart by day. */
export const MAX_HOURLY_RANGE_DAYS = 31;

/** Throws the 400 for a timeseries whose buckets would be too many to chart (and to answer in time). */
export function assertBucketFits(range: UsageRange, bucket: Grain): void {
  if (bucket === 'hour' && range.to.getTime() - range.from.getTime() > MAX_HOURLY_RANGE_DAYS * DAY_MS)
    throw new ValidationError(
      'USAGE.TOO_MANY_BUCKETS',
      `bucket=hour covers at most ${MAX_HOURLY_RANGE_DAYS} days; use bucket=day for longer ranges`,
      { param: 'bucket' },
    );
}
