import { formatMicros } from '../../shared/money';

const COUNT = new Intl.NumberFormat('en');
const COMPACT = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const PERCENT = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
const TIME = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});
const DAY = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

export const formatCount = (n: number): string => COUNT.format(n);
export const formatCompact = (n: number): string => COMPACT.format(n);
/** A rate from 0 to 1 as a percentage. */
export const formatPercent = (rate: number): string => PERCENT.format(rate);
export const formatMs = (ms: number | null): string =>
  ms === null ? '—' : `${COUNT.format(Math.round(ms))} ms`;
/** An instant in UTC: "Dec 6, 14:03:12". */
export const formatTime = (iso: string): string => TIME.format(new Date(iso));
/** A day in UTC: "Dec 6, 2026". */
export const formatDay = (iso: string): string => DAY.format(new Date(iso));

/** Power levels as the settings page names them. */
export const POWER_LEVEL_LABELS: Readonly<Record<string, string>> = {
  eco: 'Eco',
  balanced: 'Balanced',
  precision: 'Precision',
};
export const powerLevelLabel = (level: string): string => POWER_LEVEL_LABELS[level] ?? level;

/**
 * Chart colours (Chart.js' colour plugin is not registered): distinct hues readable on light and dark
 * surfaces.
 */
export const CHART_COLORS: readonly string[] = [
  '#1e88e5',
  '#f4511e',
  '#43a047',
  '#8e24aa',
  '#fdd835',
  '#00acc1',
  '#d81b60',
  '#6d4c41',
  '#7cb342',
  '#546e7a',
];
export const colorAt = (i: number): string => CHART_COLORS[i % CHART_COLORS.length]!;

/** Micro-dollars as a number of dollars, for chart geometry only (labels use formatMicros). */
export const microsToChartDollars = (micros: string): number => Number(BigInt(micros)) / 1e6;

/**
 * Cents for amounts of a cent or more (and for zero); micro-dollars below, where "$0.00" would hide
 * real spend (a short chat costs a few hundred micro-dollars).
 */
export function spendDigits(micros: string): number {
  try {
    const v = BigInt(micros);
    return v === 0n || v >= 10_000n || v <= -10_000n ? 2 : 6;
  } catch {
    return 2;
  }
}
export const formatSpend = (micros: string): string => formatMicros(micros, spendDigits(micros));
