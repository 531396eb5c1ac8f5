import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, readState, type EventStore } from '@gw/eventstore';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { billingPolicyDecider, type BillingPolicyState } from '../../pricing/billing-policy.decider';
import { BILLING_POLICY_STREAM } from '../../pricing/billing-policy.events';
import { ChangeBillingPolicyCommand } from './change-billing-policy.command';

/** The billing policy as the log says it is now (commands check against this, not a cached view). */
export const readBillingPolicy = (store: EventStore): Promise<BillingPolicyState> =>
  readState(store, BILLING_POLICY_STREAM, billingPolicyDecider);

@CommandHandler(ChangeBillingPolicyCommand)
export class ChangeBillingPolicyHandler implements ICommandHandler<ChangeBillingPolicyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({
    changes,
    metadata,
    expectedVersion,
  }: ChangeBillingPolicyCommand): Promise<BillingPolicyState> {
    const outcome = await handleCommandNow(
      this.store,
      BILLING_POLICY_STREAM,
      billingPolicyDecider,
      this.clock,
      metadata,
      (now) => ({
        type: 'ChangeBillingPolicy' as const,
        data: { changes, changedBy: metadata.actorId, expectedVersion },
        metadata: { now },
      }),
    );
    return outcome.state;
  }
}
