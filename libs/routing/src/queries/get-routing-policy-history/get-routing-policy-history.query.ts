import { Query } from '@nestjs/cqrs';
import type { RoutingPolicy } from '../../domain/routing-policy';

export interface RoutingPolicyVersion {
  readonly version: number;
  /** The actor (user id) who saved it. */
  readonly changedBy: string;
  readonly changedAt: string;
  readonly policy: RoutingPolicy;
}

/** Every saved version of the routing policy, newest first (version 0, the defaults, is never saved). */
export class GetRoutingPolicyHistoryQuery extends Query<RoutingPolicyVersion[]> {}
