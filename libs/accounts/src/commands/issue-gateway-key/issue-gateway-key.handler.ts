import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type EventStore } from '@gw/eventstore';
import { CLOCK, newId, type Clock } from '@gw/shared-kernel';
import { accountDecider, toAccountStreamId } from '../../domain/account.decider';
import { generateGatewayKey, hashGatewayKey, maskGatewayKey } from '../../gateway-keys/gateway-key';
import { IssueGatewayKeyCommand, type IssuedGatewayKey } from './issue-gateway-key.command';

@CommandHandler(IssueGatewayKeyCommand)
export class IssueGatewayKeyHandler implements ICommandHandler<IssueGatewayKeyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ data, metadata }: IssueGatewayKeyCommand): Promise<IssuedGatewayKey> {
    const now = this.clock.now();
    const apiKey = data.apiKey ?? generateGatewayKey();
    const keyId = data.keyId ?? newId();
    const maskedKey = maskGatewayKey(apiKey);
    const command = {
      type: 'IssueGatewayKey' as const,
      data: { userId: data.userId, keyId, name: data.name, keyHash: hashGatewayKey(apiKey), maskedKey },
      metadata: { now },
    };
    const result = await handleCommand(this.store, toAccountStreamId(data.userId), accountDecider, command, {
      metadata: { ...metadata, tenantId: data.userId },
      now,
    });
    return { keyId, apiKey, maskedKey, version: result.version };
  }
}
