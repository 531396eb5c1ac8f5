import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { ProviderSpecData } from '../../domain/provider.events';
import type { CatalogCommandResult } from '../catalog-command-result';

/** Absent fields stay as they are. */
export interface ProviderChanges {
  readonly spec?: Partial<Omit<ProviderSpecData, 'slug'>>;
  readonly enabled?: boolean;
  readonly disabledReason?: string | null;
  /** A new platform key in clear (on its way into the vault), or null to remove the current one. */
  readonly apiKey?: string | null;
}

export class ChangeProviderCommand extends Command<CatalogCommandResult> {
  constructor(
    readonly slug: string,
    readonly changes: ProviderChanges,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
