import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { ModelSpecData } from '../../domain/model.events';
import type { CatalogCommandResult } from '../catalog-command-result';

/** Absent fields stay as they are. */
export interface ModelChanges {
  readonly spec?: Partial<Omit<ModelSpecData, 'provider' | 'model'>>;
  readonly enabled?: boolean;
  readonly disabledReason?: string | null;
  readonly deprecation?: { readonly replacement: string | null };
}

export class ChangeModelCommand extends Command<CatalogCommandResult> {
  constructor(
    readonly provider: string,
    readonly model: string,
    readonly changes: ModelChanges,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
