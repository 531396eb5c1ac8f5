import { UpstreamError, type UpstreamErrorKind } from '../upstream-error';
import { ForbiddenUpstreamAddressError } from './upstream-pools';

/** Response headers as undici and node:http give them. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

const MAX_MESSAGE_CHARS = 500;
/** Redaction looks at this much of a message (a piece of the key cut at the end is under 8 characters). */
const MAX_SCANNED_CHARS = 8 * MAX_MESSAGE_CHARS;
/** Any run of this many characters of the key counts as the key. */
const KEY_PIECE_CHARS = 8;
const REDACTED = '[REDACTED]';

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
  // Redirects are never followed (the key would go wherever `location` says); neither is it shown.
  const message =
    status >= 300 && status < 400
      ? `the upstream answered with a redirect (HTTP ${status}), which is not followed`
      : safeUpstreamMessage(messageFromBody(bodyText), apiKey);
  return new UpstreamError({
    kind,
    providerSlug,
    status,
    retryAfterMs: kind === 'rate_limited' || status === 503 ? parseRetryAfterMs(headers, now) : undefined,
    upstreamMessage: message,
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
  // The address policy's own message names the host and the kind of address, nothing else.
  if (error instanceof ForbiddenUpstreamAddressError)
    return new UpstreamError({
      kind: 'connection',
      providerSlug,
      upstreamMessage: `connection refused by the gateway's address policy: ${error.message}`,
    });
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

/** `Authorization: Bearer x`, `"x-api-key": "x"`, `x-goog-api-key=x` …: name and scheme stay, the value goes. */
const SECRET_HEADER =
  /\b((?:proxy-)?authorization|x-api-key|x-goog-api-key|api-key)(\s*["']?\s*[:=]\s*["']?\s*)((?:bearer|basic|token)\s+)?[^\s"',;}&]+/gi;
/** `?key=x`, `&api_key=x`, `access_token=x`. */
const SECRET_PARAM = /\b((?:(?:api[_-]?)?key|access_token|token)=)[^&\s"'#)]+/gi;

/**
 * What a message relayed from an upstream may say: without the key in force (whole, any run of 8 or
 * more of its characters, or its base64 and URL-encoded forms), without `Authorization`, `x-api-key`
 * and `x-goog-api-key` values, bearer tokens, `key=` parameters and anything shaped like an API key;
 * whitespace collapsed, shortened.
 */
export function safeUpstreamMessage(text: string, apiKey: string | undefined): string {
  let out = text.length > MAX_SCANNED_CHARS ? text.slice(0, MAX_SCANNED_CHARS) : text;
  if (apiKey) out = redactKey(out, apiKey);
  out = out
    .replace(SECRET_HEADER, `$1$2$3${REDACTED}`)
    .replace(/bearer\s+[^\s"',;]+/gi, `Bearer ${REDACTED}`)
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(/\b(?:sk|pk|rk|key)-[A-Za-z0-9_*-]{8,}/g, REDACTED)
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > MAX_MESSAGE_CHARS ? `${out.slice(0, MAX_MESSAGE_CHARS)}…` : out;
}

/** Replaces every run of at least KEY_PIECE_CHARS characters of `key` (or of its encodings) in `text`. */
function redactKey(text: string, key: string): string {
  if (key.length < KEY_PIECE_CHARS) return text.split(key).join(REDACTED);
  if (text.length < KEY_PIECE_CHARS) return text;
  const { texts, hashes } = cachedKeyPieces(key);
  // Runs of matching windows merge into one span; every match of 8+ characters is such a run. A
  // rolling hash of each window is looked up first, so only likely matches are cut out and compared.
  const spans: [number, number][] = [];
  let hash = windowHash(text, 0);
  for (let i = 0; ; i++) {
    if (hashes.has(hash) && texts.has(text.slice(i, i + KEY_PIECE_CHARS))) {
      const last = spans[spans.length - 1];
      if (last && i <= last[1]) last[1] = i + KEY_PIECE_CHARS;
      else spans.push([i, i + KEY_PIECE_CHARS]);
    }
    if (i + KEY_PIECE_CHARS >= text.length) break;
    const dropped = Math.imul(text.charCodeAt(i), HASH_TOP);
    hash = (Math.imul((hash - dropped) >>> 0, HASH_BASE) + text.charCodeAt(i + KEY_PIECE_CHARS)) >>> 0;
  }
  if (spans.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of spans) {
    out += text.slice(from, start) + REDACTED;
    from = end;
  }
  return out + text.slice(from);
}

const HASH_BASE = 257;
/** HASH_BASE^(KEY_PIECE_CHARS - 1) mod 2^32: the weight of the character leaving the window. */
const HASH_TOP = Array.from({ length: KEY_PIECE_CHARS - 1 }).reduce<number>(
  (top) => Math.imul(top, HASH_BASE) >>> 0,
  1,
);

/** The polynomial hash (mod 2^32) of the KEY_PIECE_CHARS characters of `text` from `start`. */
function windowHash(text: string, start: number): number {
  let hash = 0;
  for (let j = 0; j < KEY_PIECE_CHARS; j++)
    hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(start + j)) >>> 0;
  return hash;
}

interface KeyPieces {
  readonly texts: ReadonlySet<string>;
  readonly hashes: ReadonlySet<number>;
}

/**
 * The pieces of the last few keys (building them costs more than a scan; an outage fails many
 * requests with the same key). Bounded; the keys themselves are in memory anyway.
 */
const KEY_PIECES = new Map<string, KeyPieces>();
const KEY_PIECES_KEPT = 64;

function cachedKeyPieces(key: string): KeyPieces {
  let pieces = KEY_PIECES.get(key);
  if (pieces === undefined) {
    if (KEY_PIECES.size >= KEY_PIECES_KEPT) KEY_PIECES.clear();
    const texts = keyPieces(key);
    pieces = { texts, hashes: new Set([...texts].map((piece) => windowHash(piece, 0))) };
    KEY_PIECES.set(key, pieces);
  }
  return pieces;
}

/**
 * Every KEY_PIECE_CHARS-long window of the key, of its URL encoding, and of its base64 / base64url
 * forms at each of the three byte alignments (so the base64 of a header or a JSON document holding
 * the key gives itself away too; the characters that also depend on neighbouring bytes are left out).
 */
function keyPieces(key: string): Set<string> {
  const forms = [key, encodeURIComponent(key)];
  for (let pad = 0; pad < 3; pad++) {
    const base64 = Buffer.from(`${'\0'.repeat(pad)}${key}`).toString('base64');
    const inner = base64.slice(pad === 0 ? 0 : 4, -4);
    forms.push(inner, inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  const pieces = new Set<string>();
  for (const form of forms)
    for (let i = 0; i + KEY_PIECE_CHARS <= form.length; i++) pieces.add(form.slice(i, i + KEY_PIECE_CHARS));
  return pieces;
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
