export const USAGE_TOTALS_TABLE = 'usage_totals_by_user';

/** A row as either driver returns it (int8 and numeric come back as strings from pg, numbers from PGlite). */
export interface UsageTotalsDbRow {
  user_id: string;
  requests: string | number;
  failed_requests: string | number;
  prompt_tokens: string | number;
  completion_tokens: string | number;
  cached_tokens: string | number;
  provider_cost_micros: string | number;
  charged_micros: string | number;
  last_commit: string | number;
  last_prepare: string | number;
}
