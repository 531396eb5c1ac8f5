import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { CatalogCommandResult } from '../catalog-command-result';

export class RemoveProviderCommand extends Command<CatalogCommandResult> {
  constructor(
    readonly slug: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
