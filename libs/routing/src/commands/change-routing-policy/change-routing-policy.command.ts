import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { RoutingPolicy } from '../../domain/routing-policy';

/** Result: the policy in force afterwards (unchanged input → same version). */
export class ChangeRoutingPolicyCommand extends Command<RoutingPolicy> {
  constructor(
    readonly policy: Omit<RoutingPolicy, 'version'>,
    readonly metadata: EventMetadata,
    /** If-Match: the version the caller last saw; a different current version is a 412. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}
