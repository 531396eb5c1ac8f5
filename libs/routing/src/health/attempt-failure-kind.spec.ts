import { classifyAttemptFailure } from './attempt-failure-kind';

describe('classifyAttemptFailure', () => {
  it.each([
    ['rate_limited', 429, 'rateLimited'],
    ['server', 503, 'serverError'],
    ['server', null, 'serverError'],
    ['timeout', 504, 'timeout'],
    ['timeout', null, 'timeout'],
    ['auth', 401, 'auth'],
    ['auth', 402, 'auth'],
    ['connection', null, 'other'],
    ['stream_interrupted', null, 'other'],
    ['latency cap 2000 ms passed before the first token', null, 'timeout'],
  ] as const)('an upstream %s (%s) counts as %s', (reason, status, kind) => {
    expect(classifyAttemptFailure(reason, status)).toBe(kind);
  });

  it.each([
    ['bad_request', 400],
    ['bad_request', 422],
    ['not_found', 404],
    ['client_closed', 499],
    ['deadline_exceeded', 504],
  ] as const)(
    '%s (%s) is the caller’s business and does not count against the provider',
    (reason, status) => {
      expect(classifyAttemptFailure(reason, status)).toBeNull();
    },
  );

  it.each([
    ['byok_key_rejected', 401, 'auth'],
    ['byok_key_rejected', 403, 'auth'],
    ['something_new', 429, 'rateLimited'],
    ['something_new', 408, 'timeout'],
    ['something_new', 504, 'timeout'],
    ['something_new', 502, 'serverError'],
    ['something_new', null, 'other'],
    ['something_new', 302, 'other'],
  ] as const)('a reason that is not a kind (%s) is judged by its status %s: %s', (reason, status, kind) => {
    expect(classifyAttemptFailure(reason, status)).toBe(kind);
  });

  it('an unknown reason with another 4xx is the caller’s fault', () => {
    expect(classifyAttemptFailure('something_new', 400)).toBeNull();
    expect(classifyAttemptFailure('something_new', 413)).toBeNull();
  });
});
