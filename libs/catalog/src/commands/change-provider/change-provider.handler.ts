import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, type EventStore } from '@gw/eventstore';
import { KEY_VAULT, type KeyVault } from '@gw/key-vault';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { toProviderStreamId } from '../../domain/provider-health.events';
import { providerDecider } from '../../domain/provider.decider';
import { toCatalogResult, type CatalogCommandResult } from '../catalog-command-result';
import { platformKeyRef, withStoredKey } from '../platform-keys';
import { loadProviderState } from '../provider-state';
import { ChangeProviderCommand } from './change-provider.command';

@CommandHandler(ChangeProviderCommand)
export class ChangeProviderHandler implements ICommandHandler<ChangeProviderCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ slug, changes, metadata }: ChangeProviderCommand): Promise<CatalogCommandResult> {
    const streamId = toProviderStreamId(slug);
    const { apiKey, ...rest } = changes;
    const result = await withStoredKey(this.vault, slug, apiKey ?? undefined, async (platformKey) => {
      const outcome = await handleCommandNow(
        this.store,
        streamId,
        providerDecider,
        this.clock,
        metadata,
        (now) => ({
          type: 'ChangeProvider' as const,
          data: { slug, ...rest, platformKey: apiKey === null ? null : platformKey, by: metadata.actorId },
          metadata: { now },
        }),
      );
      return { result: outcome, keyUsed: outcome.events.some((e) => e.type === 'PlatformKeySet') };
    });
    // The replaced (or removed) key is shredded once no current event points at it: the one in force
    // in the exact state the decision was taken on (optimistic concurrency makes that well defined,
    // even when another admin changed the key a moment earlier).
    const keyChanged = result.events.some(
      (e) => e.type === 'PlatformKeySet' || e.type === 'PlatformKeyRemoved',
    );
    if (keyChanged) {
      const decidedOn = result.version - BigInt(result.events.length);
      const replaced = (await loadProviderState(this.store, slug, decidedOn)).platformKey;
      if (replaced) await this.vault.destroy(platformKeyRef(slug, replaced.secretId));
    }
    return toCatalogResult(result);
  }
}
