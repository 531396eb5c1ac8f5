import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { KEY_VAULT, type KeyVault } from '@gw/key-vault';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { decideOnKeys, type KeyCommandResult } from '../provider-key-writes';
import { ChangeProviderKeyCommand } from './change-provider-key.command';

@CommandHandler(ChangeProviderKeyCommand)
export class ChangeProviderKeyHandler implements ICommandHandler<ChangeProviderKeyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ data, metadata }: ChangeProviderKeyCommand): Promise<KeyCommandResult> {
    const deps = { store: this.store, vault: this.vault, clock: this.clock };
    const result = await decideOnKeys(deps, data.userId, metadata, (now) => ({
      type: 'ChangeProviderKey',
      data,
      metadata: { now },
    }));
    return { keyId: data.keyId, version: result.version, events: result.events };
  }
}
