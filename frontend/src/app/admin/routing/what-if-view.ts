import { customRangeProblem, utcDate } from '../../portal/usage/usage-range';
import { formatMicros } from '../../shared/money';
import type { WhatIfBreakdownRow, WhatIfResult, WhatIfSample } from './routing-api';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type WhatIfPreset = '24h' | '7d' | '30d' | 'custom';

export const WHAT_IF_PRESETS: ReadonlyArray<{ readonly value: WhatIfPreset; readonly label: string }> = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom dates' },
];

const PRESET_MS: Readonly<Record<Exclude<WhatIfPreset, 'custom'>, number>> = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
};

export interface WhatIfRangeChoice {
  readonly preset: WhatIfPreset;
  /** Custom UTC dates, YYYY-MM-DD, both included. */
  readonly customFrom?: string;
  readonly customTo?: string;
}

/** The range a choice means at `now` (`to` never past now), or why custom dates cannot be used. */
export function whatIfRange(
  choice: WhatIfRangeChoice,
  now: Date,
): { readonly from: string; readonly to: string } | { readonly problem: string } {
  const nowMs = now.getTime();
  if (choice.preset !== 'custom')
    return { from: new Date(nowMs - PRESET_MS[choice.preset]).toISOString(), to: now.toISOString() };
  const problem = customRangeProblem(choice.customFrom, choice.customTo);
  if (problem !== null) return { problem };
  const from = utcDate(choice.customFrom)!.getTime();
  if (from >= nowMs) return { problem: 'The start date is in the future: nothing is recorded yet.' };
  const to = Math.min(utcDate(choice.customTo)!.getTime() + DAY_MS, nowMs);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** One provider's or model's requests and charge before (as recorded) and after (under the draft). */
export interface ComparedRow {
  readonly key: string;
  readonly requestsBefore: number;
  readonly requestsAfter: number;
  readonly chargeBefore: string;
  readonly chargeAfter: string;
}

/** Both sides' breakdowns side by side, busiest first (by the larger side), then by key. */
export function compareRows(
  before: readonly WhatIfBreakdownRow[],
  after: readonly WhatIfBreakdownRow[],
): ComparedRow[] {
  const rows = new Map<string, ComparedRow>();
  const blank = (key: string): ComparedRow => ({
    key,
    requestsBefore: 0,
    requestsAfter: 0,
    chargeBefore: '0',
    chargeAfter: '0',
  });
  for (const r of before)
    rows.set(r.key, { ...blank(r.key), requestsBefore: r.requests, chargeBefore: r.chargeMicros });
  for (const r of after)
    rows.set(r.key, {
      ...(rows.get(r.key) ?? blank(r.key)),
      requestsAfter: r.requests,
      chargeAfter: r.chargeMicros,
    });
  const busiest = (r: ComparedRow): number => Math.max(r.requestsBefore, r.requestsAfter);
  return [...rows.values()].sort((a, b) => busiest(b) - busiest(a) || a.key.localeCompare(b.key));
}

/** Decimals enough that the largest amount of a set still shows a difference: $12.34, $0.0123, $0.000105. */
export function moneyDigits(amounts: readonly string[]): number {
  let largest = 0n;
  for (const a of amounts) {
    if (!/^-?\d+$/.test(a)) continue;
    const v = BigInt(a);
    const abs = v < 0n ? -v : v;
    if (abs > largest) largest = abs;
  }
  if (largest >= 10_000_000n) return 2; // $10 and up
  if (largest >= 10_000n) return 4; // a cent and up
  return 6;
}

/** after − before as signed dollars with the relative change: "+$0.0012 (+12.5%)", "no change". */
export function moneyChange(before: string, after: string, digits: number): string {
  const b = BigInt(before);
  const diff = BigInt(after) - b;
  if (diff === 0n) return 'no change';
  const sign = diff > 0n ? '+' : '−';
  const amount = formatMicros(diff > 0n ? diff : -diff, digits);
  if (b === 0n) return `${sign}${amount}`;
  const tenths = Number((diff * 1000n) / b);
  const percent = `${sign}${(Math.abs(tenths) / 10).toFixed(1)}%`;
  return `${sign}${amount} (${percent})`;
}

type SampleSide = WhatIfSample['before'];

const SCORE = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/** A side's top candidates: "smart/large 0.930 (+0.050 preference), cheap/fast 0.870". */
export function rankingText(side: SampleSide): string {
  return side.candidates
    .map((c) => {
      const bonus = c.components.preference ? ` (+${SCORE.format(c.components.preference)} preference)` : '';
      return `${c.modelId} ${SCORE.format(c.score)}${bonus}`;
    })
    .join(', ');
}

/** How a side's first candidate was picked beyond the score: its chain, its balancing draw. */
export function routeNote(side: SampleSide): string | null {
  const notes: string[] = [];
  const chain = side.chain;
  if (chain) {
    const which = chain.source === 'use_case' ? "the use case's chain" : "the level's chain";
    notes.push(chain.applied ? `followed ${which}` : `${which} could not serve: score order`);
  }
  const b = side.balancing;
  if (b) notes.push(`balancing drew ${b.chosen} among ${b.pool.length} within ${b.bandPercent}%`);
  return notes.length > 0 ? notes.join('; ') : null;
}

/**
 * How many requests would be served differently: another model, or none. (A request that changes
 * provider changes model too, so `changed.provider` is already among `changed.model`.)
 */
export const changedRequests = (r: Pick<WhatIfResult, 'changed'>): number =>
  r.changed.model + r.changed.noCandidate;
