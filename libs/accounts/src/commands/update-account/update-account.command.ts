import { Command } from '@nestjs/cqrs';
import type { CommandResult } from '@gw/eventstore';
import type { EventMetadata } from '@gw/shared-kernel';
import type { AccountChanges } from '../../domain/account.commands';
import type { AccountEvent } from '../../domain/account.events';

/**
 * Tier, roles, disabled (admins) or power level, cap and byokOnly (the user): one append, checked
 * against the tier policy in force. No change → no event, the same version.
 */
export class UpdateAccountCommand extends Command<CommandResult<AccountEvent>> {
  constructor(
    readonly userId: string,
    readonly changes: AccountChanges,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
