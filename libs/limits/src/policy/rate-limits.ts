import type { RedisFieldGuard, Tier } from '@gw/shared-kernel';
import type { RateLimitDecision, RateLimiter } from '../limiter/rate-limiter';
import type { RateLimitPolicyView } from './rate-limit-policy-view';

/**
 * The hot path's rate limits: the tier's limits from memory (fed from the log) and one limiter
 * call. `admit` checks and counts a request (its token estimate in tpm); `recordTokens` corrects
 * tpm after the fact once the real usage is known (negative gives back an over-estimate).
 */
export class RateLimits {
  constructor(
    readonly view: RateLimitPolicyView,
    readonly limiter: RateLimiter,
  ) {}

  admit(userId: string, tier: Tier, tokens: number): Promise<RateLimitDecision> {
    return this.limiter.check({ subject: userId, limits: this.view.limitsOf(tier), tokens });
  }

  /**
   * `admit` sent right behind the command that makes `guard` (see RateLimiter.checkBehind), counted
   * only if the guard is there; undefined when the limiter cannot do that or the guard was missing.
   */
  admitBehind(
    userId: string,
    tier: Tier,
    tokens: number,
    guard: RedisFieldGuard,
  ): Promise<RateLimitDecision | undefined> {
    const check = { subject: userId, limits: this.view.limitsOf(tier), tokens };
    return this.limiter.checkBehind?.(check, guard) ?? Promise.resolve(undefined);
  }

  recordTokens(userId: string, tier: Tier, tokens: number): Promise<void> {
    return this.limiter.record(userId, this.view.limitsOf(tier), tokens);
  }
}

/** Counts tokens after the fact for a user (see RateLimits.recordTokens). */
export const recordTokens = (limits: RateLimits, userId: string, tier: Tier, tokens: number): Promise<void> =>
  limits.recordTokens(userId, tier, tokens);
