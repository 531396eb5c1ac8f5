import { ProjectionStoppedError } from './projection-runner.errors';
import { backoffDelay, DEFAULT_RETRY_POLICY, retryPolicy, sleep } from './retry-policy';

describe('retry policy', () => {
  it('doubles the wait after each failure, up to the bound', () => {
    const policy = retryPolicy({ initialDelayMs: 10, maxDelayMs: 100 });
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffDelay(policy, n))).toEqual([10, 20, 40, 80, 100, 100]);
  });

  it('fills unset fields from the defaults and rejects nonsense', () => {
    expect(retryPolicy({ maxAttempts: 2 })).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2 });
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => retryPolicy({ initialDelayMs: 50, maxDelayMs: 10 })).toThrow(/delays/);
  });

  it('sleep ends early with ProjectionStoppedError when stopped', async () => {
    // Timers are faked and never advanced: only the abort can end the hour-long sleep.
    jest.useFakeTimers();
    try {
      const abort = new AbortController();
      const waiting = sleep(3_600_000, abort.signal, 'p');
      abort.abort();
      await expect(waiting).rejects.toBeInstanceOf(ProjectionStoppedError);
      await expect(sleep(1, abort.signal, 'p')).rejects.toBeInstanceOf(ProjectionStoppedError);
    } finally {
      jest.useRealTimers();
    }
  });
});
