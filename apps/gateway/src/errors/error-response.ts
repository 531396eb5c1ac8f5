import { HttpException } from '@nestjs/common';
import { DomainError } from '@gw/shared-kernel';

/** An error as the gateway reports it, before it is shaped for one surface or the other. */
export interface ErrorResponse {
  readonly status: number;
  /** OpenAI error type. */
  readonly type: string;
  /** Stable code: OpenAI's where it has one (invalid_api_key, model_not_found), else ours. */
  readonly code: string;
  readonly message: string;
  readonly param: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Errors that know how they look on the wire (upstream failures, etc.). */
export interface HasErrorResponse {
  toErrorResponse(): ErrorResponse;
}

const hasErrorResponse = (e: unknown): e is HasErrorResponse =>
  typeof e === 'object' && e !== null && typeof (e as HasErrorResponse).toErrorResponse === 'function';

const OPENAI_CODES: Record<string, string> = {
  'AUTH.INVALID_API_KEY': 'invalid_api_key',
  'AUTH.MISSING_API_KEY': 'missing_api_key',
  'AUTH.ACCOUNT_DISABLED': 'account_deactivated',
  'ROUTING.MODEL_NOT_FOUND': 'model_not_found',
  'REQUEST.INVALID_JSON': 'invalid_json',
  'REQUEST.UNSUPPORTED_PARAMETER': 'unsupported_parameter',
};

const STATUS_BY_KIND: Record<DomainError['kind'], number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  illegal_state: 409,
  concurrency: 412,
};

const TYPE_BY_STATUS = (status: number): string =>
  status === 401
    ? 'authentication_error'
    : status === 403
      ? 'permission_error'
      : status === 404
        ? 'not_found_error'
        : status === 429
          ? 'rate_limit_error'
          : status >= 500
            ? 'api_error'
            : 'invalid_request_error';

/** Maps anything thrown to the gateway's error response. Unknown errors become a 500 with no details. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (hasErrorResponse(error)) return error.toErrorResponse();
  if (error instanceof DomainError) {
    const status = STATUS_BY_KIND[error.kind];
    const param = error.details.param;
    return {
      status,
      type: TYPE_BY_STATUS(status),
      code: OPENAI_CODES[error.code] ?? error.code,
      message: error.message,
      param: typeof param === 'string' ? param : null,
    };
  }
  if (error instanceof HttpException) {
    // Nest's own (unknown route) and Fastify's, which Nest re-throws as HttpException (body too large …).
    const status = error.getStatus();
    return {
      status,
      type: TYPE_BY_STATUS(status),
      code: HTTP_CODES[status] ?? `http_${status}`,
      message: status === 404 ? 'Unknown endpoint' : error.message,
      param: null,
    };
  }
  return {
    status: 500,
    type: 'api_error',
    code: 'internal_error',
    message: 'Internal server error',
    param: null,
  };
}

const HTTP_CODES: Record<number, string> = {
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'request_too_large',
  415: 'unsupported_media_type',
};

/** The OpenAI-compatible surface (/v1/...). */
export const openAIErrorBody = (
  e: ErrorResponse,
): { error: { message: string; type: string; code: string; param: string | null } } => ({
  error: { message: e.message, type: e.type, code: e.code, param: e.param },
});

/**
 * The portal API (/api/...): RFC 9457 problem details with our code and the correlation id, and the
 * refused parameter (`param`, an extension member) when there is one, so a form can show the message
 * at its field.
 */
export const problemBody = (e: ErrorResponse, correlationId: string): Record<string, unknown> => ({
  type: 'about:blank',
  title: e.type,
  status: e.status,
  detail: e.message,
  code: e.code,
  ...(e.param !== null && { param: e.param }),
  correlationId,
});
