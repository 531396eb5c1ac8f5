/** A health change of a provider's platform-key circuit, as the timeline records it. */
export interface BreakerChange {
  readonly kind: 'degraded' | 'recovered';
  /** Epoch ms. */
  readonly atMs: number;
}

/** Half-open spans [fromMs, toMs) in which the circuit was open. */
export interface OpenSpan {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The spans in which the circuit was open, clipped to [fromMs, toMs): from each `degraded` to the
 * next `recovered` (or to `toMs` when none followed). `changes` in any order; a repeated change of
 * the same kind (a second `degraded` before any `recovered`) extends the span it belongs to.
 */
export function openSpans(changes: readonly BreakerChange[], fromMs: number, toMs: number): OpenSpan[] {
  const sorted = [...changes].sort((a, b) => a.atMs - b.atMs);
  const spans: OpenSpan[] = [];
  let openedAt: number | null = null;
  const close = (atMs: number) => {
    if (openedAt === null) return;
    const s = Math.max(openedAt, fromMs);
    const e = Math.min(atMs, toMs);
    if (e > s) spans.push({ fromMs: s, toMs: e });
    else if (e === s && s >= fromMs && s < toMs) spans.push({ fromMs: s, toMs: s });
    openedAt = null;
  };
  for (const c of sorted) {
    if (c.atMs >= toMs) break;
    if (c.kind === 'degraded') openedAt ??= c.atMs;
    else close(c.atMs);
  }
  close(toMs);
  return spans;
}

/**
 * For each bucket of `bucketMs` from `fromMs` (`count` of them): false when the circuit was open at
 * any moment in it (a zero-length opening included), true otherwise.
 */
export function healthyBuckets(
  spans: readonly OpenSpan[],
  fromMs: number,
  bucketMs: number,
  count: number,
): boolean[] {
  const healthy = new Array<boolean>(count).fill(true);
  for (const span of spans) {
    const first = Math.max(0, Math.floor((span.fromMs - fromMs) / bucketMs));
    // A span ending exactly at a bucket's start does not touch that bucket (spans are half-open).
    const endExclusive = span.toMs > span.fromMs ? span.toMs - 1 : span.toMs;
    const last = Math.min(count - 1, Math.floor((endExclusive - fromMs) / bucketMs));
    for (let i = first; i <= last; i++) healthy[i] = false;
  }
  return healthy;
}

/**
 * Share of the minutes of [fromMs, toMs) in which the circuit was closed throughout, 0..1: a minute
 * touched by an open span counts as unhealthy. `fromMs` is expected on a minute boundary; a partial
 * last minute counts as a minute. 1 for an empty window.
 */
export function breakerUptime(changes: readonly BreakerChange[], fromMs: number, toMs: number): number {
  const minutes = Math.ceil((toMs - fromMs) / 60_000);
  if (minutes <= 0) return 1;
  const buckets = healthyBuckets(openSpans(changes, fromMs, toMs), fromMs, 60_000, minutes);
  const up = buckets.reduce((n, ok) => n + (ok ? 1 : 0), 0);
  return up / minutes;
}
