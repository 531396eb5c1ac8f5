export const PROVIDER_HEALTH_MINUTES_TABLE = 'provider_health_minutes';
export const PROVIDER_HEALTH_HOURS_TABLE = 'provider_health_hours';

/**
 * The model of the rows that sum all of a provider credential's models. Minute rows hold only
 * those; hour rows hold those and one row per model (the catalog's latency per model).
 */
export const ALL_MODELS = '*';

/** Minute rows answer the 1h window and the status's last 15 minutes; hour rows 24h and 7d. */
export const MINUTE_ROWS_KEPT_MS = 2 * 3_600_000;
export const HOUR_ROWS_KEPT_MS = 10 * 86_400_000;

type Int8 = string | number;

/** A provider_health_minutes / provider_health_hours row as either driver returns it. */
export interface ProviderHealthDbRow {
  bucket: Date | string;
  provider: string;
  credential: string;
  model_id: string;
  attempts: number;
  successes: number;
  rate_limited: number;
  server_error: number;
  timeout: number;
  auth: number;
  other: number;
  /** HISTOGRAM_BUCKETS counts; null when the row has no answered attempt. */
  latency_hist: number[] | null;
  ttft_hist: number[] | null;
  first_commit: Int8;
  first_prepare: Int8;
  last_commit: Int8;
  last_prepare: Int8;
}
