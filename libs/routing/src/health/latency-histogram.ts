import type { LatencyPercentiles } from './provider-health-report';

/**
 * Fixed, log-spaced latency buckets (ms), shared by every row of the provider-health read model so
 * histograms merge by adding counts element-wise. Bucket 0 holds [0, 1]; bucket i (1 ≤ i ≤ 80) holds
 * (2^((i-1)/4), 2^(i/4)] — four buckets per doubling, each at most 19 % wide — up to 2^20 ms (17.5
 * minutes); the last bucket holds anything longer.
 */
export const HISTOGRAM_STEPS_PER_DOUBLING = 4;
const LAST_BOUNDED = 80;
export const HISTOGRAM_BUCKETS = LAST_BOUNDED + 2;

/** Upper bound of each bounded bucket (ms); the overflow bucket has none. */
export const HISTOGRAM_UPPER_BOUNDS: readonly number[] = Array.from(
  { length: LAST_BOUNDED + 1 },
  (_, i) => 2 ** (i / HISTOGRAM_STEPS_PER_DOUBLING),
);

export type LatencyHistogram = number[];

export const emptyHistogram = (): LatencyHistogram => new Array<number>(HISTOGRAM_BUCKETS).fill(0);

/** The bucket a sample falls into (negative and non-finite samples: bucket 0 / the overflow). */
export function bucketOf(ms: number): number {
  if (!(ms > 1)) return Number.isNaN(ms) ? 0 : ms === Infinity ? HISTOGRAM_BUCKETS - 1 : 0;
  const i = Math.ceil(Math.log2(ms) * HISTOGRAM_STEPS_PER_DOUBLING - 1e-9);
  // The float log may land one bucket off at an exact bound: settle it against the bounds.
  let b = Math.min(Math.max(i, 1), LAST_BOUNDED + 1);
  while (b <= LAST_BOUNDED && ms > HISTOGRAM_UPPER_BOUNDS[b]!) b++;
  while (b > 1 && ms <= HISTOGRAM_UPPER_BOUNDS[b - 1]!) b--;
  return b;
}

export function addSample(histogram: LatencyHistogram, ms: number): void {
  const b = bucketOf(ms);
  histogram[b] = (histogram[b] ?? 0) + 1;
}

/** Adds `from` into `into` (element-wise); a shorter or missing array counts as zeros. */
export function mergeHistogram(into: LatencyHistogram, from: readonly number[] | null | undefined): void {
  if (!from) return;
  const n = Math.min(from.length, into.length);
  for (let i = 0; i < n; i++) {
    const v = from[i]!;
    if (v !== 0) into[i]! += v;
  }
}

export const histogramCount = (histogram: readonly number[]): number =>
  histogram.reduce((sum, v) => sum + v, 0);

/**
 * The q-quantile (0..1) estimated like Prometheus' histogram_quantile: find the bucket holding the
 * rank q × count and interpolate linearly inside it; the overflow bucket answers its lower bound.
 * Rounded to 0.1 ms; null for an empty histogram.
 */
export function histogramQuantile(histogram: readonly number[], q: number): number | null {
  const total = histogramCount(histogram);
  if (total === 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let seen = 0;
  for (let b = 0; b < histogram.length; b++) {
    const count = histogram[b]!;
    if (count === 0) continue;
    if (seen + count >= rank) {
      if (b > LAST_BOUNDED) return round1(HISTOGRAM_UPPER_BOUNDS[LAST_BOUNDED]!);
      const lower = b === 0 ? 0 : HISTOGRAM_UPPER_BOUNDS[b - 1]!;
      const upper = HISTOGRAM_UPPER_BOUNDS[b]!;
      return round1(lower + (upper - lower) * ((rank - seen) / count));
    }
    seen += count;
  }
  return round1(HISTOGRAM_UPPER_BOUNDS[LAST_BOUNDED]!);
}

export const percentilesOf = (histogram: readonly number[]): LatencyPercentiles => ({
  p50: histogramQuantile(histogram, 0.5),
  p95: histogramQuantile(histogram, 0.95),
  p99: histogramQuantile(histogram, 0.99),
});

const round1 = (ms: number): number => Math.round(ms * 10) / 10;
