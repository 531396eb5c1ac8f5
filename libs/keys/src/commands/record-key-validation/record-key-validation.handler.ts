import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { KEY_VAULT, type KeyVault } from '@gw/key-vault';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { recordKeyValidation, type KeyCommandResult } from '../provider-key-writes';
import { RecordKeyValidationCommand } from './record-key-validation.command';

@CommandHandler(RecordKeyValidationCommand)
export class RecordKeyValidationHandler implements ICommandHandler<RecordKeyValidationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ data, metadata }: RecordKeyValidationCommand): Promise<KeyCommandResult> {
    return recordKeyValidation({ store: this.store, vault: this.vault, clock: this.clock }, data, metadata);
  }
}
