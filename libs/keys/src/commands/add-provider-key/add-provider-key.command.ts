import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { AddProviderKey } from '../../domain/provider-key.commands';
import type { KeyCommandResult } from '../provider-key-writes';

export class AddProviderKeyCommand extends Command<KeyCommandResult> {
  constructor(
    readonly data: Omit<AddProviderKey['data'], 'stored'> & {
      /** In clear on its way into the vault; never in an event. */
      readonly apiKey: string;
    },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
