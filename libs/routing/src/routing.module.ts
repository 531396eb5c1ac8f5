import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GetRequestExplanationHandler } from './queries/get-request-explanation/get-request-explanation.handler';

/** Needs KNEX from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [GetRequestExplanationHandler],
})
export class RoutingModule {}
