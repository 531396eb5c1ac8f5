import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, type CommandResult, type EventStore } from '@gw/eventstore';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { accountDecider, toAccountStreamId } from '../../domain/account.decider';
import type { AccountEvent } from '../../domain/account.events';
import { DeleteAccountCommand } from './delete-account.command';

@CommandHandler(DeleteAccountCommand)
export class DeleteAccountHandler implements ICommandHandler<DeleteAccountCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ data, metadata }: DeleteAccountCommand): Promise<CommandResult<AccountEvent>> {
    return handleCommandNow(
      this.store,
      toAccountStreamId(data.userId),
      accountDecider,
      this.clock,
      { ...metadata, tenantId: data.userId },
      (now) => ({ type: 'DeleteAccount' as const, data, metadata: { now } }),
    );
  }
}
