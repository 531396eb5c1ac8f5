import type { OpenAiErrorBody } from '../openai-wire';

/** An error answer of the mock, in OpenAI's status codes, wording and body shape. */
export class MockApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'MockApiError';
  }

  get body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 invalid_request_error about one request field. */
export const invalidRequest = (
  message: string,
  param: string | null = null,
  code: string | null = null,
): MockApiError => new MockApiError(400, message, 'invalid_request_error', param, code);

export const modelNotFound = (model: string): MockApiError =>
  new MockApiError(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    null,
    'model_not_found',
  );

export const invalidUrl = (method: string, path: string): MockApiError =>
  new MockApiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');

/** OpenAI's 401, with the key masked the way OpenAI masks it. */
export function unauthorized(presentedKey: string | undefined): MockApiError {
  if (!presentedKey) {
    return new MockApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error',
    );
  }
  const masked = presentedKey.length > 8 ? `${presentedKey.slice(0, 3)}***${presentedKey.slice(-4)}` : '***';
  return new MockApiError(
    401,
    `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

/** The error OpenAI gives for a status, used for forced (`x-mock-fail`) and random failures. */
export function failureFor(status: number, retryAfter: string): MockApiError {
  switch (status) {
    case 429:
      return new MockApiError(
        429,
        'Rate limit reached for requests per minute. Please try again in 1s.',
        'requests',
        null,
        'rate_limit_exceeded',
        { 'retry-after': retryAfter },
      );
    case 401:
      return unauthorized(undefined);
    case 403:
      return new MockApiError(
        403,
        'You are not allowed to use this model.',
        'permission_error',
        null,
        'forbidden',
      );
    case 404:
      return new MockApiError(
        404,
        'The requested resource does not exist.',
        'invalid_request_error',
        null,
        'not_found',
      );
    case 400:
      return invalidRequest('The request was rejected (forced by x-mock-fail).');
    case 503:
      return new MockApiError(
        503,
        'The engine is currently overloaded, please try again later.',
        'server_error',
        null,
        null,
        {
          'retry-after': retryAfter,
        },
      );
    default:
      return new MockApiError(
        status,
        status >= 500
          ? 'The server had an error while processing your request. Sorry about that!'
          : `Mock failure ${status}.`,
        status >= 500 ? 'server_error' : 'invalid_request_error',
      );
  }
}
