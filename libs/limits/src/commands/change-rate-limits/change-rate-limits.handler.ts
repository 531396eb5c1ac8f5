import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, readState, type EventStore } from '@gw/eventstore';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { rateLimitsDecider, type RateLimitPolicyState } from '../../domain/rate-limits.decider';
import { RATE_LIMIT_POLICY_STREAM } from '../../domain/rate-limits.events';
import { ChangeRateLimitsCommand } from './change-rate-limits.command';

/** The rate limits as the log says they are now (commands check against this, not a cached view). */
export const readRateLimits = (store: EventStore): Promise<RateLimitPolicyState> =>
  readState(store, RATE_LIMIT_POLICY_STREAM, rateLimitsDecider);

@CommandHandler(ChangeRateLimitsCommand)
export class ChangeRateLimitsHandler implements ICommandHandler<ChangeRateLimitsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({
    patch,
    metadata,
    expectedVersion,
  }: ChangeRateLimitsCommand): Promise<RateLimitPolicyState> {
    const outcome = await handleCommandNow(
      this.store,
      RATE_LIMIT_POLICY_STREAM,
      rateLimitsDecider,
      this.clock,
      metadata,
      (now) => ({
        type: 'ChangeRateLimits' as const,
        data: { patch, changedBy: metadata.actorId, expectedVersion },
        metadata: { now },
      }),
    );
    return outcome.state;
  }
}
