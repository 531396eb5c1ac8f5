import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { KeyCommandResult } from '../provider-key-writes';

export class RemoveProviderKeyCommand extends Command<KeyCommandResult> {
  constructor(
    readonly data: { readonly userId: string; readonly keyId: string },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
