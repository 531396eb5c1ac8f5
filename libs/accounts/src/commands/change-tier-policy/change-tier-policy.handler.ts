import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, readState, type EventStore } from '@gw/eventstore';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { tierPolicyDecider, type TierPolicyState } from '../../domain/tier-policy.decider';
import { TIER_POLICY_STREAM } from '../../domain/tier-policy.events';
import { ChangeTierPolicyCommand } from './change-tier-policy.command';

/** The tier policy as the log says it is now (commands check against this, not a cached view). */
export const readTierPolicy = (store: EventStore): Promise<TierPolicyState> =>
  readState(store, TIER_POLICY_STREAM, tierPolicyDecider);

@CommandHandler(ChangeTierPolicyCommand)
export class ChangeTierPolicyHandler implements ICommandHandler<ChangeTierPolicyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ policy, metadata, expectedVersion }: ChangeTierPolicyCommand): Promise<TierPolicyState> {
    const outcome = await handleCommandNow(
      this.store,
      TIER_POLICY_STREAM,
      tierPolicyDecider,
      this.clock,
      metadata,
      (now) => ({
        type: 'ChangeTierPolicy' as const,
        data: { policy, changedBy: metadata.actorId, expectedVersion },
        metadata: { now },
      }),
    );
    return outcome.state;
  }
}
