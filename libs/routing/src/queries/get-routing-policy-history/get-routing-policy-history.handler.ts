import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { DEFAULT_ROUTING_POLICY } from '../../domain/routing-policy';
import { policyFromEvent } from '../../domain/routing-policy.decider';
import { ROUTING_POLICY_STREAM, type RoutingPolicyEvent } from '../../domain/routing-policy.events';
import { GetRoutingPolicyHistoryQuery, type RoutingPolicyVersion } from './get-routing-policy-history.query';

/**
 * Versions as the policy stream records them (one event per version), upcast like the decider reads
 * them, newest first; then version 0, the product defaults the first change was made from.
 */
export const policyHistory = (events: readonly RoutingPolicyEvent[]): RoutingPolicyVersion[] => [
  ...events
    .filter((e) => e.type === 'RoutingPolicyChanged')
    .map((e) => ({
      version: e.data.version,
      changedBy: e.data.changedBy,
      changedAt: e.data.changedAt,
      policy: policyFromEvent(e.data),
    }))
    .reverse(),
  { version: 0, changedBy: null, changedAt: null, policy: DEFAULT_ROUTING_POLICY },
];

@QueryHandler(GetRoutingPolicyHistoryQuery)
export class GetRoutingPolicyHistoryHandler implements IQueryHandler<GetRoutingPolicyHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(): Promise<RoutingPolicyVersion[]> {
    const events = await this.store.readStream(ROUTING_POLICY_STREAM);
    return policyHistory(events.map((e) => e as unknown as RoutingPolicyEvent));
  }
}
