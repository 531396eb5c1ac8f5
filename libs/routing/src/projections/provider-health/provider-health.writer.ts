import type { Knex } from 'knex';
import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import { addSample, emptyHistogram, histogramCount } from '../../health/latency-histogram';
import { floorToHour, floorToMinute } from '../../health/health-window';
import { attemptsOf, type HealthAttempt } from './provider-health-attempt';
import {
  HOUR_ROWS_KEPT_MS,
  MINUTE_ROWS_KEPT_MS,
  PROVIDER_HEALTH_HOURS_TABLE,
  PROVIDER_HEALTH_MINUTES_TABLE,
  type ProviderHealthDbRow,
} from './provider-health.tables';

const CHUNK = 1000;

/** One row in memory: its key, its counts and the position of the last attempt counted. */
export interface HealthBucketRow {
  readonly bucketMs: number;
  readonly provider: string;
  readonly credential: string;
  readonly modelId: string;
  attempts: number;
  successes: number;
  rateLimited: number;
  serverError: number;
  timeout: number;
  auth: number;
  other: number;
  latency: number[];
  ttft: number[];
  lastPosition: Position | null;
}

const keyOf = (bucketMs: number, provider: string, credential: string, modelId: string): string =>
  `${bucketMs}\u0000${provider}\u0000${credential}\u0000${modelId}`;

const emptyRow = (bucketMs: number, a: HealthAttempt): HealthBucketRow => ({
  bucketMs,
  provider: a.provider,
  credential: a.credential,
  modelId: a.modelId,
  attempts: 0,
  successes: 0,
  rateLimited: 0,
  serverError: 0,
  timeout: 0,
  auth: 0,
  other: 0,
  latency: emptyHistogram(),
  ttft: emptyHistogram(),
  lastPosition: null,
});

/**
 * Pure: counts `attempt` into `row` unless the row already counted an event at or after its position
 * (the runner may redeliver); returns whether it counted.
 */
export function countAttempt(row: HealthBucketRow, attempt: HealthAttempt): boolean {
  if (row.lastPosition && comparePositions(attempt.position, row.lastPosition) <= 0) return false;
  row.attempts += 1;
  if (attempt.outcome === 'success') {
    row.successes += 1;
    if (attempt.latencyMs !== null) addSample(row.latency, attempt.latencyMs);
    if (attempt.ttftMs !== null) addSample(row.ttft, attempt.ttftMs);
  } else row[attempt.outcome] += 1;
  row.lastPosition = attempt.position;
  return true;
}

const fromDb = (r: ProviderHealthDbRow): HealthBucketRow => ({
  bucketMs: new Date(r.bucket).getTime(),
  provider: r.provider,
  credential: r.credential,
  modelId: r.model_id,
  attempts: Number(r.attempts),
  successes: Number(r.successes),
  rateLimited: Number(r.rate_limited),
  serverError: Number(r.server_error),
  timeout: Number(r.timeout),
  auth: Number(r.auth),
  other: Number(r.other),
  latency: r.latency_hist ? [...r.latency_hist] : emptyHistogram(),
  ttft: r.ttft_hist ? [...r.ttft_hist] : emptyHistogram(),
  lastPosition: { commit: BigInt(String(r.last_commit)), prepare: BigInt(String(r.last_prepare)) },
});

const toDb = (r: HealthBucketRow) => ({
  bucket: new Date(r.bucketMs).toISOString(),
  provider: r.provider,
  credential: r.credential,
  model_id: r.modelId,
  attempts: r.attempts,
  successes: r.successes,
  rate_limited: r.rateLimited,
  server_error: r.serverError,
  timeout: r.timeout,
  auth: r.auth,
  other: r.other,
  latency_hist: histogramCount(r.latency) > 0 ? r.latency : null,
  ttft_hist: histogramCount(r.ttft) > 0 ? r.ttft : null,
  last_commit: r.lastPosition!.commit.toString(),
  last_prepare: r.lastPosition!.prepare.toString(),
});

/** Loads the rows the attempts touch, counts the attempts into them in memory, upserts the changed ones. */
async function writeBuckets(
  trx: Knex.Transaction,
  table: string,
  floor: (ms: number) => number,
  attempts: readonly HealthAttempt[],
): Promise<void> {
  const buckets = [...new Set(attempts.map((a) => floor(a.atMs)))];
  const providers = [...new Set(attempts.map((a) => a.provider))];
  const existing = await trx<ProviderHealthDbRow>(table)
    .whereIn(
      'bucket',
      buckets.map((b) => new Date(b).toISOString()),
    )
    .whereIn('provider', providers);
  const rows = new Map<string, HealthBucketRow>();
  for (const r of existing) {
    const row = fromDb(r);
    rows.set(keyOf(row.bucketMs, row.provider, row.credential, row.modelId), row);
  }
  const changed = new Set<HealthBucketRow>();
  for (const a of attempts) {
    const bucketMs = floor(a.atMs);
    const key = keyOf(bucketMs, a.provider, a.credential, a.modelId);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = emptyRow(bucketMs, a)));
    if (countAttempt(row, a)) changed.add(row);
  }
  const out = [...changed].map(toDb);
  for (let i = 0; i < out.length; i += CHUNK)
    await trx(table)
      .insert(out.slice(i, i + CHUNK))
      .onConflict(['bucket', 'provider', 'credential', 'model_id'])
      .merge();
}

/** The event-time hour of the last prune of hour rows (at most once per hour of event time). */
let lastHourPruned = Number.NEGATIVE_INFINITY;

/**
 * Thin writer for the provider-health buckets, in the batch's transaction: per table one read of the
 * touched rows and one upsert of the changed ones, never a statement per event. Relative to the
 * batch's newest attempt, minute rows older than two hours are not written and are deleted (an
 * index range on the key's leading column), hour rows older than ten days deleted once an hour.
 */
export async function applyProviderHealth(
  trx: Knex.Transaction,
  events: readonly RecordedEvent[],
): Promise<void> {
  const attempts = attemptsOf(events);
  if (attempts.length === 0) return;
  let newest = attempts[0]!.atMs;
  for (const a of attempts) if (a.atMs > newest) newest = a.atMs;
  const minuteCutoff = floorToMinute(newest) - MINUTE_ROWS_KEPT_MS;
  const recent = attempts.filter((a) => a.atMs >= minuteCutoff);
  if (recent.length > 0) await writeBuckets(trx, PROVIDER_HEALTH_MINUTES_TABLE, floorToMinute, recent);
  await writeBuckets(trx, PROVIDER_HEALTH_HOURS_TABLE, floorToHour, attempts);
  await trx(PROVIDER_HEALTH_MINUTES_TABLE)
    .where('bucket', '<', new Date(minuteCutoff).toISOString())
    .delete();
  const hour = floorToHour(newest);
  if (hour !== lastHourPruned) {
    lastHourPruned = hour;
    await trx(PROVIDER_HEALTH_HOURS_TABLE)
      .where('bucket', '<', new Date(hour - HOUR_ROWS_KEPT_MS).toISOString())
      .delete();
  }
}
