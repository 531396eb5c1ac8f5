import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@gw/shared-kernel';
import type { RecordKeyValidation } from '../../domain/provider-key.commands';
import type { KeyCommandResult } from '../provider-key-writes';

/** The outcome of a live check of a stored key: the test endpoint, or a provider refusing it on a request. */
export class RecordKeyValidationCommand extends Command<KeyCommandResult> {
  constructor(
    readonly data: RecordKeyValidation['data'],
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
