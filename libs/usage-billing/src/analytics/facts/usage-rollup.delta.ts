import type { UsageFact } from './usage-fact.row';

/** The rollups' `user_id` for "every user together" (real user ids are UUIDs, never this). */
export const ALL_USERS = '*';

/** Additive measures: a fact contributes these to its daily and hourly rollup rows. */
export interface UsageMeasures {
  readonly requests: number;
  readonly failedRequests: number;
  readonly interruptedRequests: number;
  readonly fallbackRequests: number;
  readonly streamedRequests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
  readonly providerCostMicros: bigint;
  readonly chargedMicros: bigint;
  readonly latencyMsSum: number;
  readonly latencyCount: number;
  readonly ttftMsSum: number;
  readonly ttftCount: number;
}

const MEASURE_KEYS = [
  'requests',
  'failedRequests',
  'interruptedRequests',
  'fallbackRequests',
  'streamedRequests',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'cacheWriteTokens',
  'latencyMsSum',
  'latencyCount',
  'ttftMsSum',
  'ttftCount',
] as const;

export const ZERO_MEASURES: UsageMeasures = {
  requests: 0,
  failedRequests: 0,
  interruptedRequests: 0,
  fallbackRequests: 0,
  streamedRequests: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  providerCostMicros: 0n,
  chargedMicros: 0n,
  latencyMsSum: 0,
  latencyCount: 0,
  ttftMsSum: 0,
  ttftCount: 0,
};

/** A fact's measures; null for a request without an outcome yet (it counts nowhere). */
export function measuresOf(fact: UsageFact): UsageMeasures | null {
  if (fact.outcome === 'routed') return null;
  return {
    requests: 1,
    failedRequests: fact.outcome === 'failed' ? 1 : 0,
    interruptedRequests: fact.outcome === 'interrupted' ? 1 : 0,
    fallbackRequests: fact.attempts > 1 ? 1 : 0,
    streamedRequests: fact.streamed ? 1 : 0,
    promptTokens: fact.promptTokens,
    completionTokens: fact.completionTokens,
    cachedTokens: fact.cachedTokens,
    cacheWriteTokens: fact.cacheWriteTokens,
    providerCostMicros: fact.providerCostMicros,
    chargedMicros: fact.chargedMicros,
    latencyMsSum: fact.latencyMs ?? 0,
    latencyCount: fact.latencyMs === null ? 0 : 1,
    ttftMsSum: fact.timeToFirstTokenMs ?? 0,
    ttftCount: fact.timeToFirstTokenMs === null ? 0 : 1,
  };
}

export function addMeasures(a: UsageMeasures, b: UsageMeasures, sign: 1 | -1 = 1): UsageMeasures {
  const out: Record<string, number | bigint> = {
    providerCostMicros: a.providerCostMicros + BigInt(sign) * b.providerCostMicros,
    chargedMicros: a.chargedMicros + BigInt(sign) * b.chargedMicros,
  };
  for (const k of MEASURE_KEYS) out[k] = a[k] + sign * b[k];
  return out as unknown as UsageMeasures;
}

export const isZero = (m: UsageMeasures): boolean =>
  MEASURE_KEYS.every((k) => m[k] === 0) && m.providerCostMicros === 0n && m.chargedMicros === 0n;

/** UTC day (YYYY-MM-DD) and hour (ISO, minutes zeroed) of an instant. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
export const utcHour = (at: Date): string => `${at.toISOString().slice(0, 13)}:00:00.000Z`;

export interface DailyKey {
  readonly userId: string;
  readonly day: string;
  readonly provider: string;
  readonly modelId: string;
  readonly powerLevel: string;
  readonly keySource: string;
  /** The fact's apiKeyId; '' when not known. */
  readonly apiKeyId: string;
}

export interface HourlyKey {
  readonly userId: string;
  readonly hour: string;
}

export interface RollupDeltas {
  readonly daily: ReadonlyArray<{ readonly key: DailyKey; readonly delta: UsageMeasures }>;
  readonly hourly: ReadonlyArray<{ readonly key: HourlyKey; readonly delta: UsageMeasures }>;
}

const dailyKeysOf = (f: UsageFact): DailyKey[] =>
  [f.userId, ALL_USERS].map((userId) => ({
    userId,
    day: utcDay(f.occurredAt),
    provider: f.provider,
    modelId: f.modelId,
    powerLevel: f.powerLevel,
    keySource: f.keySource,
    apiKeyId: f.apiKeyId ?? '',
  }));

const hourlyKeysOf = (f: UsageFact): HourlyKey[] =>
  [f.userId, ALL_USERS].map((userId) => ({ userId, hour: utcHour(f.occurredAt) }));

/**
 * Pure: how the rollups move when facts change from `before` to `after` (per request; null = absent).
 * Each changed fact takes its old contribution out of its old rows and puts the new one into its new
 * rows, for the user and for ALL_USERS, so a replay (no change) moves nothing and a correction to an
 * earlier request (a repricing) moves exactly the difference. Deltas are summed per row; rows whose
 * delta is zero are left out.
 */
export function rollupDeltas(
  changes: ReadonlyArray<{ readonly before: UsageFact | null; readonly after: UsageFact }>,
): RollupDeltas {
  const daily = new Map<string, { key: DailyKey; delta: UsageMeasures }>();
  const hourly = new Map<string, { key: HourlyKey; delta: UsageMeasures }>();
  const add = <K extends object>(
    into: Map<string, { key: K; delta: UsageMeasures }>,
    keys: K[],
    m: UsageMeasures,
    sign: 1 | -1,
  ): void => {
    for (const key of keys) {
      const id = JSON.stringify(Object.values(key));
      const entry = into.get(id) ?? { key, delta: ZERO_MEASURES };
      into.set(id, { key, delta: addMeasures(entry.delta, m, sign) });
    }
  };
  for (const { before, after } of changes) {
    const old = before ? measuresOf(before) : null;
    if (before && old) {
      add(daily, dailyKeysOf(before), old, -1);
      add(hourly, hourlyKeysOf(before), old, -1);
    }
    const next = measuresOf(after);
    if (next) {
      add(daily, dailyKeysOf(after), next, 1);
      add(hourly, hourlyKeysOf(after), next, 1);
    }
  }
  return {
    daily: [...daily.values()].filter((e) => !isZero(e.delta)),
    hourly: [...hourly.values()].filter((e) => !isZero(e.delta)),
  };
}
