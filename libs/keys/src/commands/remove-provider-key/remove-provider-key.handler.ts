import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { KEY_VAULT, type KeyVault } from '@gw/key-vault';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { decideOnKeys, loadUserKeys, userKeyRef, type KeyCommandResult } from '../provider-key-writes';
import { RemoveProviderKeyCommand } from './remove-provider-key.command';

@CommandHandler(RemoveProviderKeyCommand)
export class RemoveProviderKeyHandler implements ICommandHandler<RemoveProviderKeyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ data, metadata }: RemoveProviderKeyCommand): Promise<KeyCommandResult> {
    const deps = { store: this.store, vault: this.vault, clock: this.clock };
    const result = await decideOnKeys(deps, data.userId, metadata, (now) => ({
      type: 'RemoveProviderKey',
      data,
      metadata: { now },
    }));
    // Crypto-shredding: the row goes, the events (which never held the key) stay.
    const removed = (await loadUserKeys(this.store, data.userId)).keys.get(data.keyId);
    if (removed?.status === 'Removed')
      await this.vault.destroy(userKeyRef(data.userId, removed.facts.provider, removed.secretId));
    return { keyId: data.keyId, version: result.version, events: result.events };
  }
}
