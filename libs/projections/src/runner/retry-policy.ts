import { ProjectionStoppedError } from './projection-runner.errors';

/** How often one event is tried before it is dead-lettered, and how long to wait between tries. */
export interface RetryPolicy {
  /** Tries per event (>= 1). After the last failed try the event goes to the dead-letter table. */
  readonly maxAttempts: number;
  /** Wait after the first failure; doubles after each further one. */
  readonly initialDelayMs: number;
  /** Upper bound of any single wait (also bounds the wait before a subscription restart). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
});

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new Error(`retry.maxAttempts must be an integer >= 1, got ${policy.maxAttempts}`);
  }
  if (!(policy.initialDelayMs >= 0) || !(policy.maxDelayMs >= policy.initialDelayMs)) {
    throw new Error('retry delays must satisfy 0 <= initialDelayMs <= maxDelayMs');
  }
  return policy;
}

/** Exponential backoff: the wait after the `failures`-th consecutive failure (1-based). */
export const backoffDelay = (policy: RetryPolicy, failures: number): number =>
  Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));

/** Waits `ms`, or rejects with ProjectionStoppedError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal, projection: string): Promise<void> {
  if (signal.aborted) return Promise.reject(new ProjectionStoppedError(projection));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ProjectionStoppedError(projection));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
