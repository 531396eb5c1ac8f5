import type { Knex } from 'knex';
import { HISTOGRAM_BUCKETS } from '../../health/latency-histogram';
import type { HealthRow } from '../../health/provider-health-summary';
import {
  ALL_MODELS,
  PROVIDER_HEALTH_HOURS_TABLE,
  PROVIDER_HEALTH_MINUTES_TABLE,
} from './provider-health.tables';

export const tableFor = (resolution: 'minute' | 'hour'): string =>
  resolution === 'minute' ? PROVIDER_HEALTH_MINUTES_TABLE : PROVIDER_HEALTH_HOURS_TABLE;

/**
 * Sums histograms given as PostgreSQL array literals one after the other (`{0,2,5}{1,0,3}`, what
 * string_agg(hist::text, '') returns): one pass over the characters, no array parsing per row. The
 * drivers' own integer[] parsing costs far more than the query on thousands of rows.
 */
export function sumHistogramLiterals(text: string | null | undefined): number[] | null {
  if (!text) return null;
  const sum = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  let index = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else if (c === 44 /* , */ || c === 125 /* } */) {
      if (index < HISTOGRAM_BUCKETS) sum[index] = sum[index]! + value;
      value = 0;
      index = c === 44 ? index + 1 : 0;
    } else if (c === 123 /* { */) index = 0;
  }
  return sum;
}

interface GroupedDbRow {
  bucket?: Date | string;
  provider: string;
  credential?: string;
  model_id?: string;
  attempts: string | number | null;
  successes: string | number | null;
  rate_limited: string | number | null;
  server_error: string | number | null;
  timeout: string | number | null;
  auth: string | number | null;
  other: string | number | null;
  latency: string | null;
  ttft: string | null;
}

const SUMS = `sum(attempts) as attempts, sum(successes) as successes, sum(rate_limited) as rate_limited,
  sum(server_error) as server_error, sum(timeout) as timeout, sum(auth) as auth, sum(other) as other,
  string_agg(latency_hist::text, '') as latency`;

const toHealthRow = (r: GroupedDbRow): HealthRow => ({
  bucketMs: r.bucket === undefined ? 0 : new Date(r.bucket).getTime(),
  provider: r.provider,
  credential: r.credential ?? ALL_MODELS,
  modelId: r.model_id ?? ALL_MODELS,
  attempts: Number(r.attempts ?? 0),
  successes: Number(r.successes ?? 0),
  rateLimited: Number(r.rate_limited ?? 0),
  serverError: Number(r.server_error ?? 0),
  timeout: Number(r.timeout ?? 0),
  auth: Number(r.auth ?? 0),
  other: Number(r.other ?? 0),
  latency: sumHistogramLiterals(r.latency),
  ttft: sumHistogramLiterals(r.ttft),
});

const rowsOf = (result: unknown): GroupedDbRow[] =>
  ((result as { rows?: GroupedDbRow[] }).rows ?? (result as GroupedDbRow[])) as GroupedDbRow[];

/**
 * Per provider and credential, the sums of the provider-level rows of `resolution` from `fromMs` on
 * (one provider's, or every provider's), summed by the database: one row per provider credential.
 */
export async function readCredentialTotals(
  knex: Knex,
  resolution: 'minute' | 'hour',
  fromMs: number,
  provider?: string,
): Promise<HealthRow[]> {
  const result = await knex.raw(
    `select provider, credential, ${SUMS}, string_agg(ttft_hist::text, '') as ttft
     from ?? where bucket >= ? and model_id = ? ${provider === undefined ? '' : 'and provider = ?'}
     group by provider, credential`,
    [
      tableFor(resolution),
      new Date(fromMs).toISOString(),
      ALL_MODELS,
      ...(provider === undefined ? [] : [provider]),
    ],
  );
  return rowsOf(result).map(toHealthRow);
}

/** One provider's sums per bucket of `resolution` from `fromMs` on (both credentials together): its chart. */
export async function readProviderBuckets(
  knex: Knex,
  resolution: 'minute' | 'hour',
  fromMs: number,
  provider: string,
): Promise<HealthRow[]> {
  const result = await knex.raw(
    `select bucket, provider, ${SUMS}, null as ttft
     from ?? where bucket >= ? and model_id = ? and provider = ?
     group by bucket, provider`,
    [tableFor(resolution), new Date(fromMs).toISOString(), ALL_MODELS, provider],
  );
  return rowsOf(result).map(toHealthRow);
}

/** Per model, the sums of its hour rows from `fromMs` on (latency only). */
export async function readModelTotals(knex: Knex, fromMs: number): Promise<HealthRow[]> {
  const result = await knex.raw(
    `select provider, model_id, ${SUMS}, null as ttft
     from ?? where bucket >= ? and model_id <> ?
     group by provider, model_id`,
    [PROVIDER_HEALTH_HOURS_TABLE, new Date(fromMs).toISOString(), ALL_MODELS],
  );
  return rowsOf(result).map(toHealthRow);
}

/** Per provider: attempts and failed ones in the minute rows from `fromMs` on (the status's 15 minutes). */
export async function readRecentFailures(
  knex: Knex,
  fromMs: number,
): Promise<Map<string, { attempts: number; failures: number }>> {
  const rows = (await knex(PROVIDER_HEALTH_MINUTES_TABLE)
    .where('bucket', '>=', new Date(fromMs).toISOString())
    .where('model_id', ALL_MODELS)
    .groupBy('provider')
    .select('provider')
    .sum({ attempts: 'attempts' })
    .select(knex.raw('sum(rate_limited + server_error + timeout + auth + other) as failures'))) as Array<{
    provider: string;
    attempts: string | number | null;
    failures: string | number | null;
  }>;
  return new Map(
    rows.map((r) => [r.provider, { attempts: Number(r.attempts ?? 0), failures: Number(r.failures ?? 0) }]),
  );
}
