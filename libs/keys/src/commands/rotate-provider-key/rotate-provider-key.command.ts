import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { KeyCommandResult } from '../provider-key-writes';

export class RotateProviderKeyCommand extends Command<KeyCommandResult> {
  constructor(
    readonly data: {
      readonly userId: string;
      readonly keyId: string;
      readonly provider: string;
      /** In clear on its way into the vault; never in an event. */
      readonly apiKey: string;
      readonly validated: boolean;
    },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
