import type { Knex } from 'knex';
import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import { addSample, emptyHistogram, histogramCount } from '../../health/latency-histogram';
import { floorToHour, floorToMinute } from '../../health/health-window';
import { attemptsOf, type HealthAttempt } from './provider-health-attempt';
import {
  ALL_MODELS,
  HOUR_ROWS_KEPT_MS,
  MINUTE_ROWS_KEPT_MS,
  PROVIDER_HEALTH_HOURS_TABLE,
  PROVIDER_HEALTH_MINUTES_TABLE,
} from './provider-health.tables';

/** Rows per statement (17 bindings each, far below PostgreSQL's 65,535). */
const CHUNK = 1000;

/** What a batch adds to one row: its key, its counts and the first and last event counted. */
export interface HealthBucketDelta {
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
  readonly latency: number[];
  readonly ttft: number[];
  firstPosition: Position | null;
  lastPosition: Position | null;
}

export const emptyDelta = (
  bucketMs: number,
  key: Pick<HealthAttempt, 'provider' | 'credential' | 'modelId'>,
): HealthBucketDelta => ({
  bucketMs,
  provider: key.provider,
  credential: key.credential,
  modelId: key.modelId,
  attempts: 0,
  successes: 0,
  rateLimited: 0,
  serverError: 0,
  timeout: 0,
  auth: 0,
  other: 0,
  latency: emptyHistogram(),
  ttft: emptyHistogram(),
  firstPosition: null,
  lastPosition: null,
});

/** Pure: counts `attempt` into `delta` unless it already counted an event at or after its position. */
export function countAttempt(delta: HealthBucketDelta, attempt: HealthAttempt): boolean {
  if (delta.lastPosition && comparePositions(attempt.position, delta.lastPosition) <= 0) return false;
  delta.attempts += 1;
  if (attempt.outcome === 'success') {
    delta.successes += 1;
    if (attempt.latencyMs !== null) addSample(delta.latency, attempt.latencyMs);
    if (attempt.ttftMs !== null) addSample(delta.ttft, attempt.ttftMs);
  } else delta[attempt.outcome] += 1;
  delta.firstPosition ??= attempt.position;
  delta.lastPosition = attempt.position;
  return true;
}

/**
 * Pure: the batch's attempts summed per row of one resolution: a row per provider and credential
 * (model ALL_MODELS) and, with `perModel`, a row per model too.
 */
export function bucketDeltas(
  attempts: readonly HealthAttempt[],
  floor: (ms: number) => number,
  perModel: boolean,
): HealthBucketDelta[] {
  const rows = new Map<string, HealthBucketDelta>();
  const count = (bucketMs: number, a: HealthAttempt, modelId: string) => {
    const key = `${bucketMs}\u0000${a.provider}\u0000${a.credential}\u0000${modelId}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = emptyDelta(bucketMs, { ...a, modelId })));
    countAttempt(row, a);
  };
  for (const a of attempts) {
    const bucketMs = floor(a.atMs);
    count(bucketMs, a, ALL_MODELS);
    if (perModel) count(bucketMs, a, a.modelId);
  }
  return [...rows.values()];
}

const COLUMNS = [
  'bucket',
  'provider',
  'credential',
  'model_id',
  'attempts',
  'successes',
  'rate_limited',
  'server_error',
  'timeout',
  'auth',
  'other',
  'latency_hist',
  'ttft_hist',
  'first_commit',
  'first_prepare',
  'last_commit',
  'last_prepare',
] as const;
const COUNTS = ['attempts', 'successes', 'rate_limited', 'server_error', 'timeout', 'auth', 'other'];
const HISTOGRAMS = ['latency_hist', 'ttft_hist'];

const bindingsOf = (d: HealthBucketDelta): Knex.Value[] => [
  new Date(d.bucketMs).toISOString(),
  d.provider,
  d.credential,
  d.modelId,
  d.attempts,
  d.successes,
  d.rateLimited,
  d.serverError,
  d.timeout,
  d.auth,
  d.other,
  histogramCount(d.latency) > 0 ? d.latency : null,
  histogramCount(d.ttft) > 0 ? d.ttft : null,
  d.firstPosition!.commit.toString(),
  d.firstPosition!.prepare.toString(),
  d.lastPosition!.commit.toString(),
  d.lastPosition!.prepare.toString(),
];

/** Element-wise sum of two histograms (either may be null). */
const addHistograms = (c: string): string =>
  `${c} = case when t.${c} is null then excluded.${c} when excluded.${c} is null then t.${c} ` +
  `else array(select coalesce(x, 0) + coalesce(y, 0) from unnest(t.${c}, excluded.${c}) ` +
  `with ordinality as u(x, y, n) order by n) end`;

/**
 * One INSERT … ON CONFLICT that adds the deltas to their rows; a row whose last counted event is at
 * or after the delta's first (a batch delivered again) is left as it is.
 */
function upsert(
  table: string,
  deltas: readonly HealthBucketDelta[],
): { sql: string; bindings: Knex.Value[] } {
  const row = `(${COLUMNS.map((c) => (HISTOGRAMS.includes(c) ? '?::integer[]' : '?')).join(', ')})`;
  const sql =
    `insert into ${table} as t (${COLUMNS.join(', ')}) values ${deltas.map(() => row).join(', ')} ` +
    `on conflict (bucket, provider, credential, model_id) do update set ` +
    [
      ...COUNTS.map((c) => `${c} = t.${c} + excluded.${c}`),
      ...HISTOGRAMS.map(addHistograms),
      'first_commit = excluded.first_commit',
      'first_prepare = excluded.first_prepare',
      'last_commit = excluded.last_commit',
      'last_prepare = excluded.last_prepare',
    ].join(', ') +
    ` where (t.last_commit, t.last_prepare) < (excluded.first_commit, excluded.first_prepare)`;
  return { sql, bindings: deltas.flatMap(bindingsOf) };
}

/** The event-time minute of the last prune: prunes run at most once per minute of event time. */
let lastPrunedMinute = Number.NEGATIVE_INFINITY;

/**
 * Thin writer for the provider-health buckets, in the batch's transaction: the batch's attempts are
 * summed per row in memory (minute rows per provider and credential; hour rows that way and per
 * model too) and added to both tables by one statement (a data-modifying WITH), never
 * a statement per event, and no read. Relative to the batch's newest attempt, minute rows older than
 * two hours are not written; once per minute of event time they are deleted, and hour rows older
 * than ten days.
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
  const minutes = bucketDeltas(
    attempts.filter((a) => a.atMs >= minuteCutoff),
    floorToMinute,
    false,
  );
  const hours = bucketDeltas(attempts, floorToHour, true);
  if (minutes.length === 0) {
    const h = upsert(PROVIDER_HEALTH_HOURS_TABLE, hours);
    await trx.raw(h.sql, h.bindings);
  } else if (minutes.length <= CHUNK && hours.length <= CHUNK) {
    const m = upsert(PROVIDER_HEALTH_MINUTES_TABLE, minutes);
    const h = upsert(PROVIDER_HEALTH_HOURS_TABLE, hours);
    await trx.raw(`with minute_rows as (${m.sql} returning 1) ${h.sql}`, [...m.bindings, ...h.bindings]);
  } else {
    for (const [table, deltas] of [
      [PROVIDER_HEALTH_MINUTES_TABLE, minutes],
      [PROVIDER_HEALTH_HOURS_TABLE, hours],
    ] as const)
      for (let i = 0; i < deltas.length; i += CHUNK) {
        const { sql, bindings } = upsert(table, deltas.slice(i, i + CHUNK));
        await trx.raw(sql, bindings);
      }
  }
  const minute = floorToMinute(newest);
  if (minute !== lastPrunedMinute) {
    lastPrunedMinute = minute;
    await trx(PROVIDER_HEALTH_MINUTES_TABLE)
      .where('bucket', '<', new Date(minuteCutoff).toISOString())
      .delete();
    await trx(PROVIDER_HEALTH_HOURS_TABLE)
      .where('bucket', '<', new Date(floorToHour(newest) - HOUR_ROWS_KEPT_MS).toISOString())
      .delete();
  }
}
