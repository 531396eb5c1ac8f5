import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { ChangeProviderKey } from '../../domain/provider-key.commands';
import type { KeyCommandResult } from '../provider-key-writes';

export class ChangeProviderKeyCommand extends Command<KeyCommandResult> {
  constructor(
    readonly data: ChangeProviderKey['data'],
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
