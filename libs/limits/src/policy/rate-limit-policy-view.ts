import type { RecordedEvent, Tier } from '@gw/shared-kernel';
import { DEFAULT_RATE_LIMITS, type RateLimitPolicy, type WindowLimits } from '../domain/rate-limits';
import { rateLimitsFromEvent } from '../domain/rate-limits.decider';
import type { RateLimitsChanged } from '../domain/rate-limits.events';

/** The rate limits in force on this instance, fed from the log (the hot path reads only this). */
export class RateLimitPolicyView {
  private current: RateLimitPolicy = DEFAULT_RATE_LIMITS;
  private currentVersion = 0;

  apply(event: RecordedEvent): void {
    if (event.type !== 'RateLimitsChanged') return;
    const { data } = event as unknown as RateLimitsChanged;
    this.current = rateLimitsFromEvent(data.tiers);
    this.currentVersion = data.version;
  }

  version(): number {
    return this.currentVersion;
  }

  policy(): RateLimitPolicy {
    return this.current;
  }

  limitsOf(tier: Tier): WindowLimits {
    return this.current[tier] ?? DEFAULT_RATE_LIMITS.free;
  }
}
