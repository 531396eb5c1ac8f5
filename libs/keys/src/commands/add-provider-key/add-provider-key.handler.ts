import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { KEY_VAULT, type KeyVault } from '@gw/key-vault';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import {
  decideOnKeys,
  newSecretId,
  userKeyRef,
  withStoredUserKey,
  type KeyCommandResult,
} from '../provider-key-writes';
import { AddProviderKeyCommand } from './add-provider-key.command';

@CommandHandler(AddProviderKeyCommand)
export class AddProviderKeyHandler implements ICommandHandler<AddProviderKeyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ data, metadata }: AddProviderKeyCommand): Promise<KeyCommandResult> {
    const deps = { store: this.store, vault: this.vault, clock: this.clock };
    const { apiKey, ...rest } = data;
    const ref = userKeyRef(data.userId, data.provider, newSecretId(data.keyId));
    const result = await withStoredUserKey(deps, ref, apiKey, (stored) =>
      decideOnKeys(deps, data.userId, metadata, (now) => ({
        type: 'AddProviderKey',
        data: { ...rest, stored },
        metadata: { now },
      })),
    );
    return { keyId: data.keyId, version: result.version, events: result.events };
  }
}
