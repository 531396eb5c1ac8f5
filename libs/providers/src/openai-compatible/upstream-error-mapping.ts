import { UpstreamError, type UpstreamErrorKind } from '../upstream-error';

/** Response headers as undici and node:http give them. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

const MAX_MESSAGE_CHARS = 500;

/** The kind of an HTTP status that is not a success. */
export function kindForStatus(status: number): UpstreamErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 402 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server';
  if (status >= 400) return 'bad_request';
  return 'server'; // 1xx/3xx where a JSON or SSE answer was expected
}

/**
 * The error for an upstream HTTP error answer. The message is taken from the body (OpenAI's
 * `error.message`, or `message` / `detail` / `error` of other servers), redacted and shortened.
 */
export function errorFromStatus(
  providerSlug: string,
  status: number,
  headers: ResponseHeaders,
  bodyText: string,
  apiKey: string | undefined,
  now: number = Date.now(),
): UpstreamError {
  const kind = kindForStatus(status);
  return new UpstreamError({
    kind,
    providerSlug,
    status,
    retryAfterMs: kind === 'rate_limited' || status === 503 ? parseRetryAfterMs(headers, now) : undefined,
    upstreamMessage: safeUpstreamMessage(messageFromBody(bodyText), apiKey),
  });
}

/**
 * How long the upstream asked us to wait: OpenAI's `retry-after-ms`, else `retry-after` as seconds
 * or as an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(headers: ResponseHeaders, now: number = Date.now()): number | undefined {
  const ms = Number(first(headers['retry-after-ms']));
  if (first(headers['retry-after-ms']) !== undefined && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = first(headers['retry-after'])?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

const TRANSPORT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  UND_ERR_HEADERS_TIMEOUT: 'no response headers within the timeout',
  UND_ERR_BODY_TIMEOUT: 'no response body data within the timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  ETIMEDOUT: 'connect timed out',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  UND_ERR_SOCKET: 'connection closed by the upstream',
  UND_ERR_CLOSED: 'client closed',
  UND_ERR_DESTROYED: 'client destroyed',
};

/**
 * The error for a failure below HTTP: timeouts, refused or reset connections, malformed responses.
 * Only the error's `code` is used, never its message, so nothing from the request can leak.
 */
export function errorFromTransport(providerSlug: string, error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = errorCode(error);
  const kind: UpstreamErrorKind = TIMEOUT_CODES.has(code)
    ? 'timeout'
    : code.startsWith('HPE_')
      ? 'server'
      : 'connection';
  const description =
    TRANSPORT_DESCRIPTIONS[code] ?? (kind === 'server' ? 'malformed HTTP response' : 'request failed');
  return new UpstreamError({
    kind,
    providerSlug,
    upstreamMessage: code ? `${description} (${code})` : description,
  });
}

/** Turns any failure of a stream that already yielded chunks into `stream_interrupted`. */
export function interruptedStreamError(providerSlug: string, cause: UpstreamError): UpstreamError {
  if (cause.kind === 'stream_interrupted') return cause;
  return new UpstreamError({
    kind: 'stream_interrupted',
    providerSlug,
    status: cause.status,
    upstreamMessage: `stream failed after it started: ${cause.kind}${cause.upstreamMessage ? ` - ${cause.upstreamMessage}` : ''}`,
  });
}

/** Removes the key (and anything that looks like a bearer token or API key), collapses whitespace, shortens. */
export function safeUpstreamMessage(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey) out = out.split(apiKey).join('[REDACTED]');
  out = out
    .replace(/bearer\s+[^\s"',;]+/gi, 'Bearer [REDACTED]')
    .replace(/\b(?:sk|pk|rk|key)-[A-Za-z0-9_*-]{8,}/g, '[REDACTED]')
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > MAX_MESSAGE_CHARS ? `${out.slice(0, MAX_MESSAGE_CHARS)}…` : out;
}

/** The human-readable message inside an error body, whatever the server's error shape. */
export function messageFromBody(bodyText: string): string {
  const text = bodyText.trim();
  if (text.length === 0) return '';
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return messageFromJson(JSON.parse(text) as unknown) ?? text;
    } catch {
      return text;
    }
  }
  return text.startsWith('<') ? 'non-JSON error page' : text;
}

function messageFromJson(value: unknown): string | undefined {
  if (Array.isArray(value)) return messageFromJson(value[0]);
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const field of ['error', 'message', 'detail', 'msg']) {
    const candidate = record[field];
    if (typeof candidate === 'string' && candidate.length > 0) return candidate;
    if (typeof candidate === 'object' && candidate !== null) {
      const nested = messageFromJson(candidate);
      if (nested !== undefined) return nested;
    }
  }
  return undefined;
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return '';
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
