import { UpstreamError } from '../upstream-error';
import {
  errorFromStatus,
  errorFromTransport,
  interruptedStreamError,
  kindForStatus,
  messageFromBody,
  parseRetryAfterMs,
  safeUpstreamMessage,
} from './upstream-error-mapping';
import { ForbiddenUpstreamAddressError } from './upstream-pools';

const KEY = 'sk-proj-AbCdEf0123456789xyzSECRET';

describe('kindForStatus', () => {
  it.each([
    [429, 'rate_limited'],
    [401, 'auth'],
    [402, 'auth'],
    [403, 'auth'],
    [404, 'not_found'],
    [400, 'bad_request'],
    [413, 'bad_request'],
    [422, 'bad_request'],
    [408, 'timeout'],
    [504, 'timeout'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [529, 'server'],
    [302, 'server'],
  ])('%i → %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it('reads seconds', () => {
    expect(parseRetryAfterMs({ 'retry-after': '7' }, now)).toBe(7_000);
    expect(parseRetryAfterMs({ 'retry-after': '0.5' }, now)).toBe(500);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfterMs({ 'retry-after': 'Sat, 01 Mar 2025 12:00:30 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfterMs({ 'retry-after': 'Sat, 01 Mar 2025 11:00:00 GMT' }, now)).toBe(0);
  });

  it("prefers OpenAI's retry-after-ms", () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '1234', 'retry-after': '2' }, now)).toBe(1_234);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfterMs({}, now)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': ['3', '9'] }, now)).toBe(3_000);
  });
});

describe('errorFromStatus', () => {
  it('builds a rate_limited error with the wait and the upstream message', () => {
    const error = errorFromStatus(
      'openai',
      429,
      { 'retry-after': '2' },
      '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
      KEY,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 2_000,
      providerSlug: 'openai',
    });
    expect(error.upstreamMessage).toBe('Rate limit reached');
    expect(error.message).toBe('upstream openai rate_limited (HTTP 429): Rate limit reached');
  });

  it('a redirect is a server error that names neither its target nor its body', () => {
    const e = errorFromStatus(
      'p',
      302,
      { location: 'https://evil.test/?key=x' },
      'Found: https://evil.test',
      KEY,
    );
    expect(e.kind).toBe('server');
    expect(e.status).toBe(302);
    expect(e.upstreamMessage).toBe('the upstream answered with a redirect (HTTP 302), which is not followed');
  });

  it('ignores retry-after on statuses where it means nothing to the router', () => {
    expect(errorFromStatus('p', 400, { 'retry-after': '2' }, '', undefined).retryAfterMs).toBeUndefined();
  });

  it('never carries the key, even when the upstream echoes it', () => {
    const body = JSON.stringify({
      error: { message: `Bad key ${KEY}; header was Authorization: Bearer ${KEY}` },
    });
    const error = errorFromStatus('p', 401, {}, body, KEY);
    for (const text of [error.message, error.upstreamMessage, String(error.stack), JSON.stringify(error)]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(8)); // not even its tail
    }
    expect(error.upstreamMessage).toContain('[REDACTED]');
  });
});

describe('safeUpstreamMessage', () => {
  it('redacts bearer tokens and key-shaped strings it was not told about', () => {
    expect(safeUpstreamMessage('token Bearer abc.def.ghi rejected', undefined)).toBe(
      'token Bearer [REDACTED] rejected',
    );
    expect(safeUpstreamMessage('key sk-ant-api03-abcdefghijkl is invalid', undefined)).toBe(
      'key [REDACTED] is invalid',
    );
  });

  // Keys of every format: no prefix to recognise them by, so only the key in force can be found.
  const KEYS = [
    KEY,
    'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
    'b3JnX2NvaGVyZV9leGFtcGxlX2tleV8xMjM0NQ',
    '4f1c9e2ab77d4c0e9a1f5b6c3d2e8f70',
    'sk-ant-api03-Zx9_Yw8-Vu7_Ts6-Rq5_Po4-Nm3_Lk2',
  ];

  it.each(KEYS)('removes the key in force, whole and every 8-character piece of it (%s)', (key) => {
    const pieces: string[] = [];
    for (let i = 0; i + 8 <= key.length; i += 3) pieces.push(key.slice(i, i + 8));
    const text = `bad key ${key}; starts ${key.slice(0, 12)}, ends ${key.slice(-9)}, pieces ${pieces.join(' ')}`;
    const out = safeUpstreamMessage(text, key);
    for (let i = 0; i + 8 <= key.length; i++) expect(out).not.toContain(key.slice(i, i + 8));
    expect(out).toMatch(/^bad key \[REDACTED\]; starts \[REDACTED\], ends \[REDACTED\], pieces \[REDACTED\]/);
  });

  it('leaves text that shares fewer than 8 characters with the key, and is case-sensitive', () => {
    const key = 'Qw3rTy9UiOp4AsDf';
    expect(safeUpstreamMessage('model Qw3rTy9 is not here', key)).toBe('model Qw3rTy9 is not here');
    expect(safeUpstreamMessage('QW3RTY9UIOP4ASDF', key)).toBe('QW3RTY9UIOP4ASDF');
  });

  it('removes the key hidden in base64 (of itself or of a header carrying it) and URL-encoded', () => {
    const key = 'tok_Live+Secret/Value=0123456789';
    for (const encoded of [
      Buffer.from(key).toString('base64'),
      Buffer.from(`Authorization: Bearer ${key}`).toString('base64'),
      Buffer.from(`{"x-api-key":"${key}"}`).toString('base64url'),
      encodeURIComponent(key),
    ]) {
      const out = safeUpstreamMessage(`echo ${encoded} end`, key);
      expect(out).toMatch(/^echo .*\[REDACTED\].* end$/);
      // What is left of the encoded text carries no 8 characters that come from the key alone.
      for (const pad of ['', '\0', '\0\0']) {
        const base64 = Buffer.from(pad + key)
          .toString('base64')
          .slice(4, -4);
        for (const form of [base64, base64.replace(/\+/g, '-').replace(/\//g, '_')])
          for (let i = 0; i + 8 <= form.length; i++) expect(out).not.toContain(form.slice(i, i + 8));
      }
      expect(out).not.toContain(encodeURIComponent(key).slice(0, 8));
    }
  });

  it.each([
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer [REDACTED]'],
    ['authorization=Basic dXNlcjpwYXNz;', 'authorization=Basic [REDACTED];'],
    ['{"x-api-key":"opaque-value-1"}', '{"x-api-key":"[REDACTED]"}'],
    ['X-Goog-Api-Key: AIzaNotReallyAKey', 'X-Goog-Api-Key: [REDACTED]'],
    ["headers: {'x-api-key': 'abc123'}", "headers: {'x-api-key': '[REDACTED]'}"],
    ['GET /v1/models?key=AIza123&alt=sse', 'GET /v1/models?key=[REDACTED]&alt=sse'],
    ['see https://x.test/a?api_key=zzz', 'see https://x.test/a?api_key=[REDACTED]'],
    ['token Bearer 0p4qu3 rejected', 'token Bearer [REDACTED] rejected'],
  ])('removes header values, bearer tokens and key parameters it was not told about: %s', (text, safe) =>
    expect(safeUpstreamMessage(text, undefined)).toBe(safe),
  );

  it('keeps ordinary messages that merely mention headers', () => {
    expect(safeUpstreamMessage('missing x-api-key header', undefined)).toBe('missing x-api-key header');
    expect(safeUpstreamMessage('Invalid Authorization header format', undefined)).toBe(
      'Invalid Authorization header format',
    );
  });

  it('redacts a key echoed at the very end of a huge message', () => {
    const key = 'Zz81Yy72Xx63Ww54';
    const out = safeUpstreamMessage(`${'a'.repeat(450)} ${key} ${'b'.repeat(10_000)}`, key);
    expect(out).not.toContain(key.slice(0, 8));
    expect(out.length).toBeLessThanOrEqual(501);
  });

  it('collapses whitespace and shortens long messages', () => {
    expect(safeUpstreamMessage('a\n\n  b\tc', undefined)).toBe('a b c');
    const long = safeUpstreamMessage('x'.repeat(2_000), undefined);
    expect(long.length).toBeLessThanOrEqual(501);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('messageFromBody', () => {
  it.each([
    ['{"error":{"message":"OpenAI style"}}', 'OpenAI style'],
    ['{"error":"plain string error"}', 'plain string error'],
    ['{"message":"top-level message"}', 'top-level message'],
    ['{"detail":"FastAPI detail"}', 'FastAPI detail'],
    ['{"detail":[{"msg":"pydantic message"}]}', 'pydantic message'],
    ['[{"error":{"message":"Gemini array"}}]', 'Gemini array'],
    ['upstream says no', 'upstream says no'],
    ['<html><body>502 Bad Gateway</body></html>', 'non-JSON error page'],
    ['{"truncated": ', '{"truncated":'],
    ['', ''],
  ])('%s → %s', (body, message) => {
    expect(messageFromBody(body)).toBe(message);
  });
});

describe('errorFromTransport', () => {
  const withCode = (code: string, message = `boom ${KEY}`): Error =>
    Object.assign(new Error(message), { code });

  it.each([
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['ECONNREFUSED', 'connection'],
    ['ECONNRESET', 'connection'],
    ['UND_ERR_SOCKET', 'connection'],
    ['ENOTFOUND', 'connection'],
    ['HPE_INVALID_CONSTANT', 'server'],
  ])('%s → %s, naming the code but not echoing the original message', (code, kind) => {
    const error = errorFromTransport('p', withCode(code));
    expect(error.kind).toBe(kind);
    expect(error.upstreamMessage).toContain(code);
    expect(error.message).not.toContain(KEY);
  });

  it('maps an address-policy refusal to connection, with its reason', () => {
    const e = errorFromTransport(
      'p',
      new ForbiddenUpstreamAddressError('rebind.test resolves to a link-local address (169.254.0.0/16)'),
    );
    expect(e.kind).toBe('connection');
    expect(e.retryable).toBe(true);
    expect(e.upstreamMessage).toBe(
      "connection refused by the gateway's address policy: rebind.test resolves to a link-local address (169.254.0.0/16)",
    );
  });

  it('maps an error without a code to connection', () => {
    expect(errorFromTransport('p', new TypeError('fetch failed')).kind).toBe('connection');
  });

  it('passes an UpstreamError through unchanged', () => {
    const original = new UpstreamError({ kind: 'server', providerSlug: 'p' });
    expect(errorFromTransport('p', original)).toBe(original);
  });
});

describe('interruptedStreamError', () => {
  it('keeps the cause in the message and is not retryable', () => {
    const error = interruptedStreamError(
      'p',
      new UpstreamError({ kind: 'timeout', providerSlug: 'p', upstreamMessage: 'slow' }),
    );
    expect(error.kind).toBe('stream_interrupted');
    expect(error.retryable).toBe(false);
    expect(error.upstreamMessage).toContain('timeout - slow');
  });
});

describe('UpstreamError.retryable', () => {
  it.each([
    ['rate_limited', true],
    ['auth', true],
    ['timeout', true],
    ['server', true],
    ['connection', true],
    ['bad_request', false],
    ['not_found', false],
    ['stream_interrupted', false],
  ] as const)('%s → %s', (kind, retryable) => {
    expect(new UpstreamError({ kind, providerSlug: 'p' }).retryable).toBe(retryable);
  });

  it('serialises to its safe fields', () => {
    const error = new UpstreamError({
      kind: 'rate_limited',
      providerSlug: 'p',
      status: 429,
      retryAfterMs: 1_000,
      upstreamMessage: 'slow down',
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'UpstreamError',
      kind: 'rate_limited',
      providerSlug: 'p',
      status: 429,
      retryAfterMs: 1_000,
      retryable: true,
      message: 'upstream p rate_limited (HTTP 429): slow down',
    });
  });
});
