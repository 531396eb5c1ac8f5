import type { HealthErrorCounts } from './provider-health-report';

/** The kinds failed upstream attempts are counted under (the contract's `errors`). */
export type AttemptFailureKind = keyof HealthErrorCounts;

const BY_REASON: Readonly<Record<string, AttemptFailureKind | null>> = {
  rate_limited: 'rateLimited',
  auth: 'auth',
  timeout: 'timeout',
  server: 'serverError',
  connection: 'other',
  stream_interrupted: 'other',
  // The caller's fault or the caller's choice: nothing said about the provider (as the tracker judges).
  bad_request: null,
  not_found: null,
  client_closed: null,
  // The request's deadline cut its last attempt, which may have had only moments (as the tracker judges).
  deadline_exceeded: null,
};

/**
 * How a failed attempt counts against its provider, from the recorded reason (the upstream error's
 * kind) and, for reasons that are not a kind (`byok_key_rejected`, older or unknown reasons), the
 * upstream status: 429 rate limited; 401/402/403 auth; 408/504 timeout; other 5xx server error;
 * any other 4xx the caller's fault (null: not counted); anything else `other`. Null also for a
 * request the upstream refused as malformed, a model it does not serve and a client that went away,
 * which say nothing about the provider.
 */
export function classifyAttemptFailure(
  reason: string,
  status: number | null | undefined,
): AttemptFailureKind | null {
  const known = BY_REASON[reason];
  if (known !== undefined) return known;
  // A fallback after the level's latency cap: its reason says so ("latency cap 2000 ms passed …").
  if (reason.startsWith('latency cap ')) return 'timeout';
  if (status === undefined || status === null) return 'other';
  if (status === 429) return 'rateLimited';
  if (status === 401 || status === 402 || status === 403) return 'auth';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500 && status <= 599) return 'serverError';
  if (status >= 400 && status <= 499) return null;
  return 'other';
}
