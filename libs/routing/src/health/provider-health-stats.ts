import type { AttemptFailureKind } from './attempt-failure-kind';
import { emptyHistogram, mergeHistogram, percentilesOf, type LatencyHistogram } from './latency-histogram';
import type { HealthStats } from './provider-health-report';

/** Additive counts of upstream attempts (one read-model row, or any sum of rows). */
export interface HealthCounts {
  attempts: number;
  successes: number;
  rateLimited: number;
  serverError: number;
  timeout: number;
  auth: number;
  other: number;
  /** Latency of answered attempts (ms). */
  readonly latency: LatencyHistogram;
  /** Time to first token of answered streamed attempts (ms). */
  readonly ttft: LatencyHistogram;
}

export const FAILURE_KINDS: readonly AttemptFailureKind[] = [
  'rateLimited',
  'serverError',
  'timeout',
  'auth',
  'other',
];

export const emptyCounts = (): HealthCounts => ({
  attempts: 0,
  successes: 0,
  rateLimited: 0,
  serverError: 0,
  timeout: 0,
  auth: 0,
  other: 0,
  latency: emptyHistogram(),
  ttft: emptyHistogram(),
});

/** Adds `from` into `into`; histograms may be null (a row without samples). */
export function addCounts(
  into: HealthCounts,
  from: Omit<HealthCounts, 'latency' | 'ttft'> & {
    readonly latency: readonly number[] | null;
    readonly ttft: readonly number[] | null;
  },
): void {
  into.attempts += from.attempts;
  into.successes += from.successes;
  for (const k of FAILURE_KINDS) into[k] += from[k];
  mergeHistogram(into.latency, from.latency);
  mergeHistogram(into.ttft, from.ttft);
}

export const failuresOf = (c: Omit<HealthCounts, 'latency' | 'ttft'>): number =>
  c.rateLimited + c.serverError + c.timeout + c.auth + c.other;

/** The contract's statistics of a sum of rows. */
export const toHealthStats = (c: HealthCounts): HealthStats => ({
  requests: c.attempts,
  successes: c.successes,
  successRate: c.attempts === 0 ? null : c.successes / c.attempts,
  errors: {
    rateLimited: c.rateLimited,
    serverError: c.serverError,
    timeout: c.timeout,
    auth: c.auth,
    other: c.other,
  },
  latencyMs: percentilesOf(c.latency),
  ttftMs: percentilesOf(c.ttft),
});
