import type { TokenUsage } from '../pricing/price-usage';

/**
 * The most tokens one request may count in any field of its usage. No model answers anywhere near
 * it (the largest context windows are a few million tokens); above it a number is taken as garbage.
 */
export const UPSTREAM_TOKEN_CEILING = 100_000_000;

/** The usage a request is billed and rate-limited at: every count a non-negative safe integer. */
export interface BillableUsage extends Required<TokenUsage> {
  /** Of completionTokens, those spent reasoning (0 when not reported). */
  readonly reasoningTokens: number;
}

/**
 * Usage as an upstream reported it, field by field, before any check: whatever its JSON held (a
 * number, a string, null, a negative or fractional number, Infinity from `1e400`). An absent optional
 * field is `undefined` (or null).
 */
export interface ReportedUsage {
  readonly promptTokens: unknown;
  readonly completionTokens: unknown;
  readonly cachedTokens?: unknown;
  readonly cacheWriteTokens?: unknown;
  readonly cacheWrite1hTokens?: unknown;
  readonly reasoningTokens?: unknown;
}

/** The gateway's own count (its tokenizer), used for every field the upstream got wrong. */
export interface EstimatedUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface SanitizedUsage {
  readonly usage: BillableUsage;
  /** True when any reported field was refused and replaced (the estimate, or 0 for a detail). */
  readonly clamped: boolean;
  /** The fields refused, in the order above (empty when none). */
  readonly refused: readonly (keyof BillableUsage)[];
}

const validCount = (value: unknown, ceiling: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= ceiling;

const absent = (value: unknown): boolean => value === undefined || value === null;

/**
 * What an upstream said a request used, made safe to bill and to correct rate limits with (a pure
 * decision: an upstream, above all a user's own endpoint, is untrusted input).
 *
 * Each count must be a non-negative safe integer not above `ceiling`. A refused prompt or completion
 * count is replaced by the gateway's estimate of it (`estimate` is asked only then). The details are
 * parts of the totals: cached and cache-write tokens together at most the prompt tokens, one-hour
 * writes at most the cache writes, reasoning at most the completion tokens; a refused detail counts 0.
 * Absent details are 0 and not a refusal. Any refusal flags the answer (`clamped`).
 */
export function sanitizeUpstreamUsage(
  reported: ReportedUsage,
  estimate: () => EstimatedUsage,
  ceiling: number = UPSTREAM_TOKEN_CEILING,
): SanitizedUsage {
  const refused: (keyof BillableUsage)[] = [];
  let estimated: EstimatedUsage | undefined;
  const total = (field: 'promptTokens' | 'completionTokens'): number => {
    const value = reported[field];
    if (validCount(value, ceiling)) return value;
    refused.push(field);
    estimated ??= estimate();
    return estimated[field];
  };
  const part = (field: keyof BillableUsage, value: unknown, most: number): number => {
    if (absent(value)) return 0;
    if (validCount(value, ceiling) && value <= most) return value;
    refused.push(field);
    return 0;
  };
  const promptTokens = total('promptTokens');
  const completionTokens = total('completionTokens');
  const cachedTokens = part('cachedTokens', reported.cachedTokens, promptTokens);
  const cacheWriteTokens = part('cacheWriteTokens', reported.cacheWriteTokens, promptTokens - cachedTokens);
  const cacheWrite1hTokens = part('cacheWrite1hTokens', reported.cacheWrite1hTokens, cacheWriteTokens);
  const reasoningTokens = part('reasoningTokens', reported.reasoningTokens, completionTokens);
  return {
    usage: {
      promptTokens,
      completionTokens,
      cachedTokens,
      cacheWriteTokens,
      cacheWrite1hTokens,
      reasoningTokens,
    },
    clamped: refused.length > 0,
    refused,
  };
}
