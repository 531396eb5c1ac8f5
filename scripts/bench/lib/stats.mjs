// Percentiles (nearest rank) and small formatting helpers.

/** Nearest-rank percentile of an unsorted sample (copied, not modified). */
export function summarize(samples) {
  const n = samples.length;
  if (n === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, mean: NaN, min: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n, p50: at(50), p90: at(90), p99: at(99), mean: sum / n, min: sorted[0], max: sorted[n - 1] };
}

export function concat(arrays) {
  const total = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Float64Array(total);
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

export const round = (v, digits = 3) =>
  Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : null;

export const fmt = (v, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
