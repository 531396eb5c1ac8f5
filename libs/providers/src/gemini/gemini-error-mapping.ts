import {
  errorFromStatus,
  messageFromBody,
  safeUpstreamMessage,
  type ResponseHeaders,
} from '../openai-compatible/upstream-error-mapping';
import { UpstreamError, type UpstreamErrorKind } from '../upstream-error';

/** Google API keys (`AIza` + 35 characters), redacted even when they are not the target's key. */
const GOOGLE_KEY = /AIza[0-9A-Za-z_-]{35}/g;

/** Gemini's `error.status` values that decide the kind whatever the HTTP status says. */
const STATUS_KINDS: Readonly<Record<string, UpstreamErrorKind>> = {
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
  DEADLINE_EXCEEDED: 'timeout',
};

/** ErrorInfo reasons that mean the key is at fault (Gemini answers a bad key with 400 INVALID_ARGUMENT). */
const AUTH_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED']);

interface GoogleError {
  status?: string;
  details?: unknown[];
}

/**
 * The error for a Gemini HTTP error answer. The shared mapping gives the kind from the HTTP status
 * and the redacted `error.message`; Gemini's `error.status` and details then refine it:
 * RESOURCE_EXHAUSTED → rate_limited, UNAUTHENTICATED / PERMISSION_DENIED and an ErrorInfo reason
 * API_KEY_INVALID (sent with HTTP 400) → auth. `retryAfterMs` comes from `retry-after(-ms)` headers,
 * else from a `google.rpc.RetryInfo` `retryDelay` such as `"12.5s"`.
 */
export function geminiErrorFromStatus(
  providerSlug: string,
  status: number,
  headers: ResponseHeaders,
  bodyText: string,
  apiKey: string | undefined,
  now: number = Date.now(),
): UpstreamError {
  const base = errorFromStatus(providerSlug, status, headers, bodyText, apiKey, now);
  const google = googleError(bodyText);
  let kind = base.kind;
  const byStatus = google?.status ? STATUS_KINDS[google.status] : undefined;
  if (byStatus) kind = byStatus;
  if (google?.details?.some((detail) => AUTH_REASONS.has(String(field(detail, 'reason'))))) kind = 'auth';
  let retryAfterMs = base.retryAfterMs;
  if (retryAfterMs === undefined && (kind === 'rate_limited' || status === 503)) {
    retryAfterMs = retryDelayMs(google?.details);
  }
  return new UpstreamError({
    kind,
    providerSlug,
    status,
    retryAfterMs: kind === 'rate_limited' || status === 503 ? retryAfterMs : undefined,
    // The body's message again, Google-shaped keys first (see redactGoogleKeys); a redirect keeps
    // the shared mapping's words.
    upstreamMessage:
      status >= 300 && status < 400
        ? base.upstreamMessage
        : redactGoogleKeys(messageFromBody(bodyText), apiKey),
  });
}

/** The wait a `google.rpc.RetryInfo` detail asks for (`retryDelay: "58s"` / `"0.5s"`), in ms. */
export function retryDelayMs(details: unknown[] | undefined): number | undefined {
  for (const detail of details ?? []) {
    const type = field(detail, '@type');
    const delay = field(detail, 'retryDelay');
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo')) continue;
    if (typeof delay === 'string') {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
      if (match) return Math.ceil(Number(match[1]) * 1000);
    }
    if (typeof delay === 'object' && delay !== null) {
      const seconds = Number(field(delay, 'seconds') ?? 0);
      const nanos = Number(field(delay, 'nanos') ?? 0);
      if (Number.isFinite(seconds) && Number.isFinite(nanos)) return Math.ceil(seconds * 1000 + nanos / 1e6);
    }
  }
  return undefined;
}

/**
 * Removes anything shaped like a Google API key, then what the shared redaction removes (the target's
 * key and every 8-character piece of it, header values, bearer tokens, `key=` parameters). In this
 * order, so that a piece shared with the target's key cannot leave the rest of another key behind.
 */
export function redactGoogleKeys(text: string, apiKey: string | undefined): string {
  return safeUpstreamMessage(text.replace(GOOGLE_KEY, '[REDACTED]'), apiKey);
}

/** `{"error":{…}}` or `[{"error":{…}}]` (as some Google front ends send it). */
function googleError(bodyText: string): GoogleError | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) value = value[0];
  const error = field(value, 'error');
  if (typeof error !== 'object' || error === null) return undefined;
  const status = field(error, 'status');
  const details = field(error, 'details');
  return {
    status: typeof status === 'string' ? status : undefined,
    details: Array.isArray(details) ? details : undefined,
  };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
