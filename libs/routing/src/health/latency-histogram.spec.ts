import {
  addSample,
  bucketOf,
  emptyHistogram,
  HISTOGRAM_BUCKETS,
  HISTOGRAM_UPPER_BOUNDS,
  histogramQuantile,
  mergeHistogram,
  percentilesOf,
} from './latency-histogram';

const histogramOf = (samples: readonly number[]): number[] => {
  const h = emptyHistogram();
  for (const s of samples) addSample(h, s);
  return h;
};

describe('latency histogram', () => {
  it('puts a sample in the bucket whose bounds hold it, exact bounds included', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.0001)).toBe(1);
    for (let b = 1; b < HISTOGRAM_UPPER_BOUNDS.length; b++) {
      const upper = HISTOGRAM_UPPER_BOUNDS[b]!;
      expect(bucketOf(upper)).toBe(b);
      expect(bucketOf(upper * 1.000001)).toBe(b + 1);
    }
    expect(bucketOf(10 * 60 * 60_000)).toBe(HISTOGRAM_BUCKETS - 1);
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
  });

  it('estimates percentiles within a bucket width (19 %) of the exact ones', () => {
    // 1..1000 ms evenly: exact p50 500, p95 950, p99 990
    const samples = Array.from({ length: 1000 }, (_, i) => i + 1);
    const p = percentilesOf(histogramOf(samples));
    expect(p.p50! / 500).toBeGreaterThan(0.85);
    expect(p.p50! / 500).toBeLessThan(1.19);
    expect(p.p95! / 950).toBeGreaterThan(0.85);
    expect(p.p95! / 950).toBeLessThan(1.19);
    expect(p.p99! / 990).toBeGreaterThan(0.85);
    expect(p.p99! / 990).toBeLessThan(1.19);
    expect(p.p50!).toBeLessThan(p.p95!);
    expect(p.p95!).toBeLessThanOrEqual(p.p99!);
  });

  it('answers null without samples, and a value inside the bucket for one sample', () => {
    expect(percentilesOf(emptyHistogram())).toEqual({ p50: null, p95: null, p99: null });
    const one = histogramQuantile(histogramOf([300]), 0.5)!;
    const b = bucketOf(300);
    expect(one).toBeGreaterThan(HISTOGRAM_UPPER_BOUNDS[b - 1]!);
    expect(one).toBeLessThanOrEqual(HISTOGRAM_UPPER_BOUNDS[b]!);
  });

  it('merging two histograms is the histogram of all their samples', () => {
    const a = [3, 40, 41, 900];
    const b = [5, 2_000, 70_000];
    const merged = histogramOf(a);
    mergeHistogram(merged, histogramOf(b));
    expect(merged).toEqual(histogramOf([...a, ...b]));
    mergeHistogram(merged, null);
    expect(merged).toEqual(histogramOf([...a, ...b]));
  });

  it('a sample beyond the last bound answers the last bound', () => {
    const last = HISTOGRAM_UPPER_BOUNDS[HISTOGRAM_UPPER_BOUNDS.length - 1]!;
    expect(histogramQuantile(histogramOf([last * 10]), 0.99)).toBe(Math.round(last * 10) / 10);
  });
});
