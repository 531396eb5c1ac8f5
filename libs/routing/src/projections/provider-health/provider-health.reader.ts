import type { Knex } from 'knex';
import type { HealthRow } from '../../health/provider-health-summary';
import {
  PROVIDER_HEALTH_HOURS_TABLE,
  PROVIDER_HEALTH_MINUTES_TABLE,
  type ProviderHealthDbRow,
} from './provider-health.tables';

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
] as const;

export const tableFor = (resolution: 'minute' | 'hour'): string =>
  resolution === 'minute' ? PROVIDER_HEALTH_MINUTES_TABLE : PROVIDER_HEALTH_HOURS_TABLE;

const toHealthRow = (r: ProviderHealthDbRow): HealthRow => ({
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
  latency: r.latency_hist ?? null,
  ttft: r.ttft_hist ?? null,
});

/** The rows of `resolution` from `fromMs` on (one provider's, or every provider's). */
export async function readHealthRows(
  knex: Knex,
  resolution: 'minute' | 'hour',
  fromMs: number,
  options: { readonly provider?: string; readonly histograms?: 'both' | 'latency' } = {},
): Promise<HealthRow[]> {
  const histograms = options.histograms === 'latency' ? ['latency_hist'] : ['latency_hist', 'ttft_hist'];
  const query = knex(tableFor(resolution))
    .select([...COLUMNS, ...histograms])
    .where('bucket', '>=', new Date(fromMs).toISOString());
  if (options.provider !== undefined) void query.where('provider', options.provider);
  const rows = (await query) as unknown as ProviderHealthDbRow[];
  return rows.map(toHealthRow);
}

/** Per provider: attempts and failed ones in the minute rows from `fromMs` on (the status's 15 minutes). */
export async function readRecentFailures(
  knex: Knex,
  fromMs: number,
): Promise<Map<string, { attempts: number; failures: number }>> {
  const rows = (await knex(PROVIDER_HEALTH_MINUTES_TABLE)
    .where('bucket', '>=', new Date(fromMs).toISOString())
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
