import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, type CommandResult, type EventStore } from '@gw/eventstore';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { accountDecider, toAccountStreamId } from '../../domain/account.decider';
import type { AccountEvent } from '../../domain/account.events';
import { readTierPolicy } from '../change-tier-policy/change-tier-policy.handler';
import { UpdateAccountCommand } from './update-account.command';

@CommandHandler(UpdateAccountCommand)
export class UpdateAccountHandler implements ICommandHandler<UpdateAccountCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ userId, changes, metadata }: UpdateAccountCommand): Promise<CommandResult<AccountEvent>> {
    const { policy: tierPolicy } = await readTierPolicy(this.store);
    return handleCommandNow(
      this.store,
      toAccountStreamId(userId),
      accountDecider,
      this.clock,
      { ...metadata, tenantId: userId },
      (now) => ({ type: 'UpdateAccount' as const, data: { userId, changes, tierPolicy }, metadata: { now } }),
    );
  }
}
