import type { DatabaseConfig } from '@gw/database';
import type { LagoSettings } from './lago-client';

export interface BillingConsumerConfig {
  readonly database: DatabaseConfig & { readonly kind: 'postgres' };
  readonly kafkaBrokers: readonly string[];
  readonly groupId: string;
  /** Set: usage is forwarded to Lago. */
  readonly lago?: LagoSettings;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
}

export class BillingConfigError extends Error {}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * DATABASE_URL (PostgreSQL; DATABASE_SCHEMA optional), KAFKA_BROKERS, BILLING_CONSUMER_GROUP (default
 * switchyard-billing), LAGO_API_URL with LAGO_API_KEY (both or neither; LAGO_METRIC_CODE default
 * llm_usage), LOG_LEVEL.
 */
export function loadBillingConfig(env: NodeJS.ProcessEnv = process.env): BillingConsumerConfig {
  const url = env.DATABASE_URL;
  if (!url) throw new BillingConfigError('DATABASE_URL is required: the ledger lives in PostgreSQL');
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new BillingConfigError('KAFKA_BROKERS is required (host:port,…)');
  const apiUrl = env.LAGO_API_URL?.trim();
  const apiKey = env.LAGO_API_KEY?.trim();
  if (apiUrl && !apiKey) throw new BillingConfigError('LAGO_API_URL is set but LAGO_API_KEY is not');
  if (apiUrl && !/^https?:\/\//.test(apiUrl))
    throw new BillingConfigError('LAGO_API_URL must be an http(s) URL');
  const logLevel = (env.LOG_LEVEL ?? 'info') as BillingConsumerConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel))
    throw new BillingConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    database: { kind: 'postgres', url, ...(env.DATABASE_SCHEMA && { schema: env.DATABASE_SCHEMA }) },
    kafkaBrokers: brokers,
    groupId: env.BILLING_CONSUMER_GROUP || 'switchyard-billing',
    ...(apiUrl && apiKey && { lago: { apiUrl, apiKey, metricCode: env.LAGO_METRIC_CODE || 'llm_usage' } }),
    logLevel,
  };
}
