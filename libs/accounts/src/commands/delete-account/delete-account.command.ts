import { Command } from '@nestjs/cqrs';
import type { CommandResult } from '@gw/eventstore';
import type { EventMetadata } from '@gw/shared-kernel';
import type { DeleteAccount } from '../../domain/account.commands';
import type { AccountEvent } from '../../domain/account.events';

/**
 * Appends AccountDeleted (the account stops working everywhere the log reaches); an account deleted
 * before gives no event and its current version, so a retried deletion can finish its clean-up (the
 * user's provider keys, the vault rows, the sign-in). An unknown account is a 404.
 */
export class DeleteAccountCommand extends Command<CommandResult<AccountEvent>> {
  constructor(
    readonly data: DeleteAccount['data'],
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
