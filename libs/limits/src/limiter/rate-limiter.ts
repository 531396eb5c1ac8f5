import type { RedisFieldGuard } from '@gw/shared-kernel';
import type { LimitDimension, WindowLimits } from '../domain/rate-limits';

/** One window as a request leaves it: its limit, what is left, and when the oldest use leaves it. */
export interface WindowState {
  readonly limit: number;
  /** Left after this request when it was allowed; left now when it was refused. */
  readonly remaining: number;
  /** Milliseconds until the oldest counted use leaves the window (remaining grows); 0 = nothing counted. */
  readonly resetMs: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The limited dimensions (unlimited ones are absent). */
  readonly windows: Readonly<Partial<Record<LimitDimension, WindowState>>>;
  /** The dimensions that refused the request (empty when allowed). */
  readonly refused: readonly LimitDimension[];
  /** When refused: milliseconds until every refusing window has room for this request; 0 when allowed. */
  readonly retryAfterMs: number;
}

export interface RateLimitCheck {
  /** Whose windows: the user id (keys are namespaced by the adapter). */
  readonly subject: string;
  readonly limits: WindowLimits;
  /** Tokens this request is counted for in the tokens-per-minute window. */
  readonly tokens: number;
}

/**
 * The rate-limit port (STYLE.md §8: one contract suite, every adapter). One call per request checks
 * every window and, only when all of them have room, counts the request in each (one request in rpm,
 * rph and rpd, `tokens` in tpm): a refused request consumes nothing. Exact sliding windows.
 */
export interface RateLimiter {
  check(request: RateLimitCheck): Promise<RateLimitDecision>;
  /**
   * Only where the guard can be seen (Redis): the same check, sent at once and run only if `guard`
   * exists when the store reaches it; undefined when it did not (then nothing was checked or counted).
   * Sent right behind the command that makes the guard, on the same connection, it costs no round
   * trip of its own.
   */
  checkBehind?(request: RateLimitCheck, guard: RedisFieldGuard): Promise<RateLimitDecision | undefined>;
  /**
   * Counts tokens after the fact in the tokens-per-minute window, without checking (a correction
   * once the real output is known; negative gives back an over-estimate).
   */
  record(subject: string, limits: WindowLimits, tokens: number): Promise<void>;
  close(): Promise<void>;
}
