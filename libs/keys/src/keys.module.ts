import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AddProviderKeyHandler } from './commands/add-provider-key/add-provider-key.handler';
import { ChangeProviderKeyHandler } from './commands/change-provider-key/change-provider-key.handler';
import { RemoveAllProviderKeysHandler } from './commands/remove-all-provider-keys/remove-all-provider-keys.handler';
import { RecordKeyValidationHandler } from './commands/record-key-validation/record-key-validation.handler';
import { RemoveProviderKeyHandler } from './commands/remove-provider-key/remove-provider-key.handler';
import { RotateProviderKeyHandler } from './commands/rotate-provider-key/rotate-provider-key.handler';

/** Needs EVENT_STORE, KEY_VAULT and CLOCK from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [
    AddProviderKeyHandler,
    RotateProviderKeyHandler,
    ChangeProviderKeyHandler,
    RecordKeyValidationHandler,
    RemoveProviderKeyHandler,
    RemoveAllProviderKeysHandler,
  ],
})
export class KeysModule {}
