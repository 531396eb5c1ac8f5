import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { RateLimitPolicyState } from '../../domain/rate-limits.decider';

/** Result: the rate limits in force afterwards (no change → same version). */
export class ChangeRateLimitsCommand extends Command<RateLimitPolicyState> {
  constructor(
    /** `{free: {rpm: 3}, …}` as the client sent it; the decider checks it. */
    readonly patch: unknown,
    readonly metadata: EventMetadata,
    /** If-Match: the version the caller last saw; a different current version is a 412. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
