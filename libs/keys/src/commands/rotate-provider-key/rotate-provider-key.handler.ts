import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { KEY_VAULT, type KeyVault } from '@gw/key-vault';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import {
  decideOnKeys,
  loadUserKeys,
  newSecretId,
  userKeyRef,
  withStoredUserKey,
  type KeyCommandResult,
} from '../provider-key-writes';
import { RotateProviderKeyCommand } from './rotate-provider-key.command';

@CommandHandler(RotateProviderKeyCommand)
export class RotateProviderKeyHandler implements ICommandHandler<RotateProviderKeyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ data, metadata }: RotateProviderKeyCommand): Promise<KeyCommandResult> {
    const deps = { store: this.store, vault: this.vault, clock: this.clock };
    const ref = userKeyRef(data.userId, data.provider, newSecretId(data.keyId));
    const result = await withStoredUserKey(deps, ref, data.apiKey, (stored) =>
      decideOnKeys(deps, data.userId, metadata, (now) => ({
        type: 'RotateProviderKey',
        data: { userId: data.userId, keyId: data.keyId, stored, validated: data.validated },
        metadata: { now },
      })),
    );
    // The replaced secret is shredded: the one in force in the state the decision was taken on.
    const decidedOn = result.version - BigInt(result.events.length);
    const replaced = (await loadUserKeys(this.store, data.userId, decidedOn)).keys.get(data.keyId);
    if (replaced)
      await this.vault.destroy(userKeyRef(data.userId, replaced.facts.provider, replaced.secretId));
    return { keyId: data.keyId, version: result.version, events: result.events };
  }
}
