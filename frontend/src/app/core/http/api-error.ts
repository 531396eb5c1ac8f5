/** A failed call to the gateway, from its problem+json (or OpenAI-shaped) error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string | null,
    /** The gateway's request id (x-request-id), shown for 5xx so support can find the log line. */
    readonly correlationId: string | null,
    /** The parameter a validation error names (`levels.eco.latencyCapMs`), when the body says. */
    readonly param: string | null = null,
  ) {
    super(detail ?? title);
    this.name = 'ApiError';
  }

  get isServerError(): boolean {
    return this.status >= 500 || this.status === 0;
  }

  /** One line for the UI: the message, and for a server error its request id. */
  describe(): string {
    const text = this.detail ?? this.title;
    return this.isServerError && this.correlationId ? `${text} (request id ${this.correlationId})` : text;
  }
}

interface ProblemBody {
  readonly type?: unknown;
  readonly title?: unknown;
  readonly detail?: unknown;
  readonly code?: unknown;
  readonly status?: unknown;
  readonly requestId?: unknown;
  readonly correlationId?: unknown;
  readonly param?: unknown;
  readonly error?: {
    readonly message?: unknown;
    readonly code?: unknown;
    readonly type?: unknown;
    readonly param?: unknown;
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Builds an ApiError from whatever the gateway answered: problem+json, OpenAI's error shape, or nothing. */
export function toApiError(status: number, body: unknown, requestId: string | null): ApiError {
  const b = (body && typeof body === 'object' ? body : {}) as ProblemBody;
  if (b.error && typeof b.error === 'object') {
    return new ApiError(
      status,
      str(b.error.code) ?? str(b.error.type) ?? `http_${status}`,
      str(b.error.message) ?? 'Request failed',
      str(b.error.message),
      requestId,
      str(b.error.param),
    );
  }
  const typeSlug = str(b.type)?.split('/').pop() ?? null;
  const title =
    str(b.title) ??
    (status === 0
      ? 'The gateway could not be reached'
      : status >= 500
        ? 'The gateway failed'
        : 'Request failed');
  return new ApiError(
    status,
    str(b.code) ?? typeSlug ?? `http_${status}`,
    title,
    str(b.detail),
    str(b.correlationId) ?? str(b.requestId) ?? requestId,
    str(b.param),
  );
}

/** What a store shows for a failure: the interceptor's ApiError as it is, anything else as a client error. */
export const asApiError = (e: unknown): ApiError =>
  e instanceof ApiError ? e : new ApiError(0, 'client_error', 'Something went wrong', String(e), null);
