import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GetMyUsageHandler } from './queries/get-my-usage/get-my-usage.handler';

/** Needs KNEX from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [GetMyUsageHandler],
})
export class UsageBillingModule {}
