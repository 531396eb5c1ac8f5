import { Command } from '@nestjs/cqrs';
import type { CommandResult } from '@gw/eventstore';
import type { EventMetadata } from '@gw/shared-kernel';
import type { RevokeGatewayKey } from '../../domain/account.commands';
import type { AccountEvent } from '../../domain/account.events';

/** Revoking a revoked key changes nothing (no event). */
export class RevokeGatewayKeyCommand extends Command<CommandResult<AccountEvent>> {
  constructor(
    readonly data: RevokeGatewayKey['data'],
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
