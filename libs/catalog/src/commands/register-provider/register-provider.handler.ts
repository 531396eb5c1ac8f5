import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, type EventStore } from '@gw/eventstore';
import { KEY_VAULT, type KeyVault } from '@gw/key-vault';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { toProviderStreamId } from '../../domain/provider-health.events';
import { providerDecider } from '../../domain/provider.decider';
import { toCatalogResult, type CatalogCommandResult } from '../catalog-command-result';
import { withStoredKey } from '../platform-keys';
import { RegisterProviderCommand } from './register-provider.command';

@CommandHandler(RegisterProviderCommand)
export class RegisterProviderHandler implements ICommandHandler<RegisterProviderCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ spec, enabled, apiKey, metadata }: RegisterProviderCommand): Promise<CatalogCommandResult> {
    return withStoredKey(this.vault, spec.slug, apiKey, async (platformKey) => {
      const result = await handleCommandNow(
        this.store,
        toProviderStreamId(spec.slug),
        providerDecider,
        this.clock,
        metadata,
        (now) => ({
          type: 'RegisterProvider' as const,
          data: { spec, enabled, seeded: false, platformKey, by: metadata.actorId },
          metadata: { now },
        }),
      );
      return {
        result: toCatalogResult(result),
        keyUsed: result.events.some((e) => e.type === 'PlatformKeySet'),
      };
    });
  }
}
