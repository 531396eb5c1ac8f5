import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ListProviderHealthChangesHandler } from './queries/list-provider-health-changes/list-provider-health-changes.handler';

/** Needs KNEX from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [ListProviderHealthChangesHandler],
})
export class CatalogModule {}
