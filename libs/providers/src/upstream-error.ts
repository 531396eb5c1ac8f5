import { boundedText, UPSTREAM_TEXT_BOUNDS } from '@gw/shared-kernel';

/**
 * Why an upstream call failed, in words the router can act on:
 * - rate_limited        429; `retryAfterMs` when the upstream said how long to wait
 * - auth                401/403 (and 402): the key is wrong, revoked, or out of credit
 * - timeout             no headers or no body bytes within the attempt's timeout; 408/504
 * - server              other 5xx, an unreadable answer, or an error event inside a stream
 * - connection          refused, reset or closed before an answer started
 * - bad_request         400/422 and other 4xx: the request itself is at fault
 * - not_found           404: the upstream does not serve this model (or path) with this key
 * - stream_interrupted  a stream failed or ended early after chunks were already passed on
 */
export type UpstreamErrorKind =
  | 'rate_limited'
  | 'auth'
  | 'timeout'
  | 'server'
  | 'connection'
  | 'bad_request'
  | 'not_found'
  | 'stream_interrupted';

/**
 * Whether another candidate may be tried (DESIGN.md, Routing: 429, 401/403, 408/504/timeout, 5xx and
 * connection errors fall back). A 400 is the caller's fault and would fail everywhere; a 404 is not in
 * the fallback list either (the gateway reports it as a rejection). An interrupted stream has already
 * sent output to the client, so it cannot be replayed transparently.
 */
const RETRYABLE: Readonly<Record<UpstreamErrorKind, boolean>> = {
  rate_limited: true,
  auth: true,
  timeout: true,
  server: true,
  connection: true,
  bad_request: false,
  not_found: false,
  stream_interrupted: false,
};

export interface UpstreamErrorInit {
  readonly kind: UpstreamErrorKind;
  readonly providerSlug: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /**
   * Text from the upstream, already redacted; never a key, header or URL with a query string. Kept to
   * UPSTREAM_TEXT_BOUNDS.errorMessage characters (longer text is cut, ending in …).
   */
  readonly upstreamMessage?: string;
}

/**
 * The only error an UpstreamProvider throws for upstream failures. It holds no request, headers,
 * target or cause, so logging or serialising it cannot leak a key. (A caller's own abort is rethrown
 * as the signal's reason instead.)
 */
export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind;
  readonly providerSlug: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly upstreamMessage: string;

  constructor(given: UpstreamErrorInit) {
    const init = {
      ...given,
      upstreamMessage: boundedText(given.upstreamMessage, UPSTREAM_TEXT_BOUNDS.errorMessage),
    };
    super(describe(init));
    this.name = 'UpstreamError';
    this.kind = init.kind;
    this.providerSlug = init.providerSlug;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.upstreamMessage = init.upstreamMessage ?? '';
  }

  get retryable(): boolean {
    return RETRYABLE[this.kind];
  }

  toJSON(): Record<string, string | number | boolean | undefined> {
    return {
      name: this.name,
      kind: this.kind,
      providerSlug: this.providerSlug,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      retryable: this.retryable,
      message: this.message,
    };
  }
}

function describe(init: UpstreamErrorInit): string {
  const status = init.status === undefined ? '' : ` (HTTP ${init.status})`;
  const detail = init.upstreamMessage ? `: ${init.upstreamMessage}` : '';
  return `upstream ${init.providerSlug} ${init.kind}${status}${detail}`;
}
