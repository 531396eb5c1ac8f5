import { Command } from '@nestjs/cqrs';
import type { CommandResult } from '@gw/eventstore';
import type { EventMetadata } from '@gw/shared-kernel';
import type { OpenAccount } from '../../domain/account.commands';
import type { AccountEvent } from '../../domain/account.events';

export class OpenAccountCommand extends Command<CommandResult<AccountEvent>> {
  constructor(
    readonly data: OpenAccount['data'],
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
