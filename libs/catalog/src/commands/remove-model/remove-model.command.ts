import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { CatalogCommandResult } from '../catalog-command-result';

export class RemoveModelCommand extends Command<CatalogCommandResult> {
  constructor(
    readonly provider: string,
    readonly model: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
