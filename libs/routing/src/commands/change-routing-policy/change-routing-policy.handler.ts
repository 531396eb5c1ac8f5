import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, type EventStore } from '@gw/eventstore';
import { CLOCK, fold, type Clock } from '@gw/shared-kernel';
import type { RoutingPolicy } from '../../domain/routing-policy';
import { routingPolicyDecider } from '../../domain/routing-policy.decider';
import { ROUTING_POLICY_STREAM, type RoutingPolicyEvent } from '../../domain/routing-policy.events';
import { ChangeRoutingPolicyCommand } from './change-routing-policy.command';

@CommandHandler(ChangeRoutingPolicyCommand)
export class ChangeRoutingPolicyHandler implements ICommandHandler<ChangeRoutingPolicyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ policy, metadata, expectedVersion }: ChangeRoutingPolicyCommand): Promise<RoutingPolicy> {
    await handleCommandNow(
      this.store,
      ROUTING_POLICY_STREAM,
      routingPolicyDecider,
      this.clock,
      metadata,
      (now) => ({
        type: 'ChangeRoutingPolicy' as const,
        data: { policy, changedBy: metadata.actorId, expectedVersion },
        metadata: { now },
      }),
    );
    const history = await this.store.readStream(ROUTING_POLICY_STREAM);
    return fold(
      routingPolicyDecider,
      history.map((e) => e as unknown as RoutingPolicyEvent),
    );
  }
}
