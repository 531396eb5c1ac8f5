import { geminiErrorFromStatus, redactGoogleKeys, retryDelayMs } from './gemini-error-mapping';

const KEY = 'AIzaSyMappingKey0123456789abcdefghijklm';
const body = (status: number, name: string, message: string, details?: unknown[]): string =>
  JSON.stringify({ error: { code: status, message, status: name, ...(details ? { details } : {}) } });

describe('geminiErrorFromStatus', () => {
  it.each([
    [400, 'INVALID_ARGUMENT', 'bad_request'],
    [400, 'FAILED_PRECONDITION', 'bad_request'],
    [401, 'UNAUTHENTICATED', 'auth'],
    [403, 'PERMISSION_DENIED', 'auth'],
    [404, 'NOT_FOUND', 'not_found'],
    [429, 'RESOURCE_EXHAUSTED', 'rate_limited'],
    [500, 'INTERNAL', 'server'],
    [503, 'UNAVAILABLE', 'server'],
    [504, 'DEADLINE_EXCEEDED', 'timeout'],
  ] as const)('%i %s → %s', (status, name, kind) => {
    const error = geminiErrorFromStatus('g', status, {}, body(status, name, 'why'), KEY);
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.upstreamMessage).toBe('why');
  });

  it('lets error.status and ErrorInfo reasons override the HTTP status', () => {
    const invalidKey = geminiErrorFromStatus(
      'g',
      400,
      {},
      body(400, 'INVALID_ARGUMENT', 'API key not valid.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
      ]),
      KEY,
    );
    expect(invalidKey.kind).toBe('auth');
    expect(invalidKey.retryable).toBe(true);
    const quotaAs400 = geminiErrorFromStatus('g', 400, {}, body(400, 'RESOURCE_EXHAUSTED', 'quota'), KEY);
    expect(quotaAs400.kind).toBe('rate_limited');
  });

  it('reads the wait from retry-after first, then from RetryInfo, only for 429 and 503', () => {
    const details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '41s' }];
    expect(
      geminiErrorFromStatus(
        'g',
        429,
        { 'retry-after': '5' },
        body(429, 'RESOURCE_EXHAUSTED', 'q', details),
        KEY,
      ).retryAfterMs,
    ).toBe(5_000);
    expect(
      geminiErrorFromStatus('g', 429, {}, body(429, 'RESOURCE_EXHAUSTED', 'q', details), KEY).retryAfterMs,
    ).toBe(41_000);
    expect(
      geminiErrorFromStatus('g', 503, {}, body(503, 'UNAVAILABLE', 'q', details), KEY).retryAfterMs,
    ).toBe(41_000);
    expect(
      geminiErrorFromStatus('g', 500, { 'retry-after': '5' }, body(500, 'INTERNAL', 'q', details), KEY)
        .retryAfterMs,
    ).toBeUndefined();
  });

  it('reads the array form of the error body and non-JSON bodies', () => {
    const array = geminiErrorFromStatus(
      'g',
      429,
      {},
      `[${body(429, 'RESOURCE_EXHAUSTED', 'Resource exhausted.')}]`,
      KEY,
    );
    expect(array.kind).toBe('rate_limited');
    expect(array.upstreamMessage).toBe('Resource exhausted.');
    const html = geminiErrorFromStatus('g', 502, {}, '<html>bad gateway</html>', KEY);
    expect(html.kind).toBe('server');
    expect(html.upstreamMessage).toBe('non-JSON error page');
  });

  it('redacts the key and any other Google-shaped key from the message', () => {
    const other = 'AIzaSyOTHERkey0123456789abcdefghijklmno';
    const error = geminiErrorFromStatus(
      'g',
      401,
      {},
      body(401, 'UNAUTHENTICATED', `bad ${KEY} and ${other}`),
      KEY,
    );
    expect(error.upstreamMessage).toBe('bad [REDACTED] and [REDACTED]');
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain(other);
  });
});

describe('retryDelayMs', () => {
  it('parses protobuf durations as strings and objects, ignoring other details', () => {
    const info = '@type';
    expect(
      retryDelayMs([{ [info]: 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45.837906927s' }]),
    ).toBe(45_838);
    expect(
      retryDelayMs([
        {
          [info]: 'type.googleapis.com/google.rpc.RetryInfo',
          retryDelay: { seconds: 2, nanos: 500_000_000 },
        },
      ]),
    ).toBe(2_500);
    expect(
      retryDelayMs([{ [info]: 'type.googleapis.com/google.rpc.QuotaFailure', retryDelay: '9s' }]),
    ).toBeUndefined();
    expect(
      retryDelayMs([{ [info]: 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: 'soon' }]),
    ).toBeUndefined();
    expect(retryDelayMs(undefined)).toBeUndefined();
  });
});

describe('redactGoogleKeys', () => {
  it('also applies the shared redaction (bearer tokens)', () => {
    expect(redactGoogleKeys('Authorization: Bearer abc.def', undefined)).toBe(
      'Authorization: Bearer [REDACTED]',
    );
  });
});
