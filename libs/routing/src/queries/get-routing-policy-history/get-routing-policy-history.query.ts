import { Query } from '@nestjs/cqrs';
import type { RoutingPolicy } from '../../domain/routing-policy';

export interface RoutingPolicyVersion {
  readonly version: number;
  /** The actor (user id) who saved it; null for version 0, the product defaults. */
  readonly changedBy: string | null;
  readonly changedAt: string | null;
  readonly policy: RoutingPolicy;
}

/** Every version of the routing policy, newest first, ending with version 0 (the product defaults). */
export class GetRoutingPolicyHistoryQuery extends Query<RoutingPolicyVersion[]> {}
