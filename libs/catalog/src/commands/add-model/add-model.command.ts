import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { ModelSpecData } from '../../domain/model.events';
import type { CatalogCommandResult } from '../catalog-command-result';

export class AddModelCommand extends Command<CatalogCommandResult> {
  constructor(
    readonly spec: ModelSpecData,
    readonly enabled: boolean,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
