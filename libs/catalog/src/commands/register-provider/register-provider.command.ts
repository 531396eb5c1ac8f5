import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { ProviderSpecData } from '../../domain/provider.events';
import type { CatalogCommandResult } from '../catalog-command-result';

export class RegisterProviderCommand extends Command<CatalogCommandResult> {
  constructor(
    readonly spec: ProviderSpecData,
    readonly enabled: boolean,
    /** The platform key in clear, on its way into the vault; never stored anywhere else. */
    readonly apiKey: string | undefined,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
