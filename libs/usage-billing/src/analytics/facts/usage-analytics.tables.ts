export const USAGE_FACTS_TABLE = 'usage_facts';
export const USAGE_DAILY_TABLE = 'usage_daily_rollups';
export const USAGE_HOURLY_TABLE = 'usage_hourly_rollups';

type Int8 = string | number;

/** A usage_facts row as either driver returns it (int8 as strings from pg, numbers from PGlite). */
export interface UsageFactDbRow {
  request_id: string;
  user_id: string;
  occurred_at: Date | string;
  provider: string;
  model_id: string;
  power_level: string;
  key_source: string;
  key_id: string | null;
  api_key_id: string | null;
  outcome: string;
  attempts: number;
  prompt_tokens: Int8;
  completion_tokens: Int8;
  cached_tokens: Int8;
  cache_write_tokens: Int8;
  provider_cost_micros: Int8;
  charged_micros: Int8;
  latency_ms: number | null;
  ttft_ms: number | null;
  streamed: boolean;
  estimated: boolean;
  finish_reason: string | null;
  failure_reason: string | null;
  failure_status: number | null;
  last_commit: Int8;
  last_prepare: Int8;
}

/** The additive columns both rollup tables share, in the order of UsageMeasures. */
export const MEASURE_COLUMNS = {
  requests: 'requests',
  failedRequests: 'failed_requests',
  interruptedRequests: 'interrupted_requests',
  fallbackRequests: 'fallback_requests',
  streamedRequests: 'streamed_requests',
  promptTokens: 'prompt_tokens',
  completionTokens: 'completion_tokens',
  cachedTokens: 'cached_tokens',
  cacheWriteTokens: 'cache_write_tokens',
  providerCostMicros: 'provider_cost_micros',
  chargedMicros: 'charged_micros',
  latencyMsSum: 'latency_ms_sum',
  latencyCount: 'latency_count',
  ttftMsSum: 'ttft_ms_sum',
  ttftCount: 'ttft_count',
} as const;
