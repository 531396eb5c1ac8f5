import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AddModelHandler } from './commands/add-model/add-model.handler';
import { ChangeModelHandler } from './commands/change-model/change-model.handler';
import { ChangeProviderHandler } from './commands/change-provider/change-provider.handler';
import { RegisterProviderHandler } from './commands/register-provider/register-provider.handler';
import { RemoveModelHandler } from './commands/remove-model/remove-model.handler';
import { RemoveProviderHandler } from './commands/remove-provider/remove-provider.handler';
import { ListProviderHealthChangesHandler } from './queries/list-provider-health-changes/list-provider-health-changes.handler';

/** Needs KNEX, EVENT_STORE, KEY_VAULT and CLOCK from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [
    ListProviderHealthChangesHandler,
    RegisterProviderHandler,
    ChangeProviderHandler,
    RemoveProviderHandler,
    AddModelHandler,
    ChangeModelHandler,
    RemoveModelHandler,
  ],
})
export class CatalogModule {}
