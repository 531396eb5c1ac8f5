import type { Grain, UsageRangeQuery } from './usage-api';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The gateway charts by hour over at most 31 days, and answers ranges of at most 400 days. */
export const MAX_HOURLY_DAYS = 31;
export const MAX_RANGE_DAYS = 400;

export type RangePreset = '24h' | '7d' | '30d' | 'month' | 'custom';

export const RANGE_PRESETS: ReadonlyArray<{ readonly value: RangePreset; readonly label: string }> = [
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: 'month', label: 'This month' },
  { value: 'custom', label: 'Custom' },
];

/** What the page asks for: a preset, or custom UTC dates (YYYY-MM-DD, both inclusive). */
export interface RangeChoice {
  readonly preset: RangePreset;
  readonly customFrom?: string;
  readonly customTo?: string;
}

/** A resolved range: the query, the bucket that suits it, and whether hourly buckets are allowed. */
export interface ResolvedRange {
  readonly query: UsageRangeQuery;
  /** Where the chart stops: now, or the range's end when that is earlier (the query may end later). */
  readonly until: string;
  readonly defaultBucket: Grain;
  readonly hourAllowed: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date typed by the user as UTC midnight; null when it is not a real date. */
export function utcDate(text: string | undefined): Date | null {
  if (!text || !DATE.test(text)) return null;
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? null : d;
}

/** Why custom dates cannot be used, or null when they can. */
export function customRangeProblem(from: string | undefined, to: string | undefined): string | null {
  const start = utcDate(from);
  const end = utcDate(to);
  if (!start || !end) return 'Enter both dates.';
  if (end < start) return 'The end date must not be before the start date.';
  if (end.getTime() + DAY_MS - start.getTime() > MAX_RANGE_DAYS * DAY_MS)
    return `Choose at most ${MAX_RANGE_DAYS} days.`;
  return null;
}

/**
 * The [from, to) a choice means at `now`, on bucket boundaries so that the gateway answers from its
 * hourly and daily rollups instead of reading the range's partial ends request by request: "24 hours"
 * is the current hour and the 23 before it; "7 days" and "30 days" are whole UTC days, today included;
 * "this month" starts at the UTC month's first day (the month the cap counts); custom dates are whole
 * UTC days, the end date included. The end may lie ahead of now (the rest of today or of this hour).
 */
export function resolveRange(choice: RangeChoice, now: Date): ResolvedRange | null {
  const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  let from: number;
  let to = today + DAY_MS;
  switch (choice.preset) {
    case '24h':
      from = hour - 23 * HOUR_MS;
      to = hour + HOUR_MS;
      break;
    case '7d':
      from = today - 6 * DAY_MS;
      break;
    case '30d':
      from = today - 29 * DAY_MS;
      break;
    case 'month':
      from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      break;
    case 'custom': {
      if (customRangeProblem(choice.customFrom, choice.customTo) !== null) return null;
      from = utcDate(choice.customFrom)!.getTime();
      to = utcDate(choice.customTo)!.getTime() + DAY_MS;
      break;
    }
  }
  const span = to - from;
  return {
    query: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    until: new Date(Math.min(to, now.getTime())).toISOString(),
    defaultBucket: span <= 7 * DAY_MS ? 'hour' : 'day',
    hourAllowed: span <= MAX_HOURLY_DAYS * DAY_MS,
  };
}

/** Every bucket's start in [from, to), so a sparse series charts with its empty hours or days. */
export function bucketKeys(range: UsageRangeQuery, bucket: Grain): string[] {
  const unit = bucket === 'hour' ? HOUR_MS : DAY_MS;
  const from = new Date(range.from).getTime();
  const to = new Date(range.to).getTime();
  const keys: string[] = [];
  for (let t = Math.floor(from / unit) * unit; t < to; t += unit) {
    const iso = new Date(t).toISOString();
    keys.push(bucket === 'hour' ? `${iso.slice(0, 13)}:00:00Z` : iso.slice(0, 10));
  }
  return keys;
}

const DAY_LABEL = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const HOUR_LABEL = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** A bucket key as a short label (UTC): "Dec 6" or "Dec 6, 14:00". */
export function bucketLabel(key: string, bucket: Grain): string {
  const d = new Date(bucket === 'day' ? `${key}T00:00:00Z` : key);
  return (bucket === 'day' ? DAY_LABEL : HOUR_LABEL).format(d);
}
