import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { KEY_VAULT, type KeyVault } from '@gw/key-vault';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { decideOnKeys } from '../provider-key-writes';
import {
  RemoveAllProviderKeysCommand,
  type RemoveAllProviderKeysResult,
} from './remove-all-provider-keys.command';

@CommandHandler(RemoveAllProviderKeysCommand)
export class RemoveAllProviderKeysHandler implements ICommandHandler<RemoveAllProviderKeysCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ data, metadata }: RemoveAllProviderKeysCommand): Promise<RemoveAllProviderKeysResult> {
    const deps = { store: this.store, vault: this.vault, clock: this.clock };
    // The events first: once they are in, no instance routes with the keys, whatever happens next.
    const result = await decideOnKeys(deps, data.userId, { ...metadata, tenantId: data.userId }, (now) => ({
      type: 'RemoveAllProviderKeys',
      data: { userId: data.userId, reason: data.reason },
      metadata: { now },
    }));
    // Crypto-shredding of every row of the user, whether an event names it or not.
    const shredded = await this.vault.destroyOwner('user', data.userId);
    return { version: result.version, events: result.events, shredded };
  }
}
