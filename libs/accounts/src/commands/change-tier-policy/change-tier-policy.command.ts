import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { TierPolicy } from '../../domain/tier-policy';
import type { TierPolicyState } from '../../domain/tier-policy.decider';

/** Result: the tier policy in force afterwards (unchanged input → same version). */
export class ChangeTierPolicyCommand extends Command<TierPolicyState> {
  constructor(
    readonly policy: TierPolicy,
    readonly metadata: EventMetadata,
    /** If-Match: the version the caller last saw; a different current version is a 412. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
