import type { BreakerState } from './circuit-breaker';
import { healthyBuckets, breakerUptime, openSpans, type BreakerChange } from './breaker-uptime';
import type { HealthWindowSpec } from './health-window';
import { emptyHistogram, histogramQuantile, mergeHistogram } from './latency-histogram';
import type { HealthDirectoryEntry } from './provider-health-directory';
import {
  addCounts,
  emptyCounts,
  failuresOf,
  toHealthStats,
  type HealthCounts,
} from './provider-health-stats';
import type {
  CredentialHealthSummary,
  HealthCredential,
  ProviderHealthLastChange,
  ProviderHealthPoint,
  ProviderHealthSummary,
} from './provider-health-report';
import { providerStatus } from './provider-status';

/** One read-model row (a provider, credential and model in one minute or hour). */
export interface HealthRow extends Omit<HealthCounts, 'latency' | 'ttft'> {
  readonly bucketMs: number;
  readonly provider: string;
  readonly credential: string;
  readonly modelId: string;
  readonly latency: readonly number[] | null;
  readonly ttft: readonly number[] | null;
}

/** A health change of the provider's platform key, as the timeline lists it. */
export interface HealthChange {
  readonly kind: 'degraded' | 'recovered';
  readonly reason: string;
  /** ISO. */
  readonly at: string;
}

export interface ProviderSummaryInput {
  readonly entry: HealthDirectoryEntry;
  /** This provider's rows inside the window. */
  readonly rows: readonly HealthRow[];
  /** Attempts and failed ones over the status's last 15 minutes. */
  readonly recent: { readonly attempts: number; readonly failures: number };
  /** The provider's health changes (any order); the newest is its last change. */
  readonly changes: readonly HealthChange[];
  readonly breaker?: BreakerState;
  readonly spec: HealthWindowSpec;
}

const CREDENTIAL_ORDER: readonly HealthCredential[] = ['platform', 'byok'];

const newestFirst = (changes: readonly HealthChange[]): HealthChange[] =>
  [...changes].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));

export const toBreakerChanges = (changes: readonly HealthChange[]): BreakerChange[] =>
  changes.map((c) => ({ kind: c.kind, atMs: Date.parse(c.at) }));

/** Pure: a provider's line of the health report. */
export function providerHealthSummary(input: ProviderSummaryInput): ProviderHealthSummary {
  const total = emptyCounts();
  const byCredential = new Map<HealthCredential, HealthCounts>();
  for (const row of input.rows) {
    addCounts(total, row);
    const credential: HealthCredential = row.credential === 'byok' ? 'byok' : 'platform';
    let c = byCredential.get(credential);
    if (!c) byCredential.set(credential, (c = emptyCounts()));
    addCounts(c, row);
  }
  const latest = newestFirst(input.changes)[0];
  const lastChange: ProviderHealthLastChange | null = latest
    ? { kind: latest.kind, at: new Date(latest.at).toISOString(), reason: latest.reason }
    : null;
  const credentials: CredentialHealthSummary[] = CREDENTIAL_ORDER.filter((c) => byCredential.has(c)).map(
    (credential) => ({ credential, ...toHealthStats(byCredential.get(credential)!) }),
  );
  return {
    provider: input.entry.slug,
    name: input.entry.name,
    enabled: input.entry.enabled,
    status: providerStatus({ lastChange, recent: input.recent, breaker: input.breaker }),
    uptime: breakerUptime(toBreakerChanges(input.changes), input.spec.fromMs, input.spec.toMs),
    lastChange,
    ...toHealthStats(total),
    credentials,
  };
}

/**
 * Pure: the provider's chart, one point per bucket of the window (oldest first): attempts, failed
 * ones, the p95 latency of the answered ones, and whether the circuit stayed closed throughout.
 */
export function providerHealthSeries(
  rows: readonly HealthRow[],
  changes: readonly HealthChange[],
  spec: HealthWindowSpec,
): ProviderHealthPoint[] {
  const points = Array.from({ length: spec.buckets }, () => ({
    requests: 0,
    failures: 0,
    latency: emptyHistogram(),
  }));
  for (const row of rows) {
    const i = Math.floor((row.bucketMs - spec.fromMs) / spec.bucketMs);
    const p = points[i];
    if (!p) continue;
    p.requests += row.attempts;
    p.failures += failuresOf(row);
    mergeHistogram(p.latency, row.latency);
  }
  const healthy = healthyBuckets(
    openSpans(toBreakerChanges(changes), spec.fromMs, spec.toMs),
    spec.fromMs,
    spec.bucketMs,
    spec.buckets,
  );
  return points.map((p, i) => ({
    at: new Date(spec.fromMs + i * spec.bucketMs).toISOString(),
    requests: p.requests,
    failures: p.failures,
    latencyP95Ms: histogramQuantile(p.latency, 0.95),
    healthy: healthy[i]!,
  }));
}
