import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { BillingPolicyChanges, BillingPolicyState } from '../../pricing/billing-policy.decider';

/** Result: the billing policy in force afterwards (a change that changes nothing: same version). */
export class ChangeBillingPolicyCommand extends Command<BillingPolicyState> {
  constructor(
    readonly changes: BillingPolicyChanges,
    readonly metadata: EventMetadata,
    /** If-Match: the version the caller last saw; a different current version is a 412. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
