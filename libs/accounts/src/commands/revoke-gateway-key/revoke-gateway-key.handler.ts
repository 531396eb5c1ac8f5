import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type CommandResult, type EventStore } from '@gw/eventstore';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { accountDecider, toAccountStreamId } from '../../domain/account.decider';
import type { AccountEvent } from '../../domain/account.events';
import { RevokeGatewayKeyCommand } from './revoke-gateway-key.command';

@CommandHandler(RevokeGatewayKeyCommand)
export class RevokeGatewayKeyHandler implements ICommandHandler<RevokeGatewayKeyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ data, metadata }: RevokeGatewayKeyCommand): Promise<CommandResult<AccountEvent>> {
    const now = this.clock.now();
    const command = { type: 'RevokeGatewayKey' as const, data, metadata: { now } };
    return handleCommand(this.store, toAccountStreamId(data.userId), accountDecider, command, {
      metadata: { ...metadata, tenantId: data.userId },
      now,
    });
  }
}
