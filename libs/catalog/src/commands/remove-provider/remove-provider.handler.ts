import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, type EventStore } from '@gw/eventstore';
import { KEY_VAULT, type KeyVault } from '@gw/key-vault';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { toProviderStreamId } from '../../domain/provider-health.events';
import { providerDecider } from '../../domain/provider.decider';
import { toCatalogResult, type CatalogCommandResult } from '../catalog-command-result';
import { RemoveProviderCommand } from './remove-provider.command';

@CommandHandler(RemoveProviderCommand)
export class RemoveProviderHandler implements ICommandHandler<RemoveProviderCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ slug, metadata }: RemoveProviderCommand): Promise<CatalogCommandResult> {
    const result = await handleCommandNow(
      this.store,
      toProviderStreamId(slug),
      providerDecider,
      this.clock,
      metadata,
      (now) => ({ type: 'RemoveProvider' as const, data: { slug, by: metadata.actorId }, metadata: { now } }),
    );
    // Crypto-shredding: the key is unreadable from now on; the history of the provider stays.
    await this.vault.destroyOwner('platform', slug);
    return toCatalogResult(result);
  }
}
