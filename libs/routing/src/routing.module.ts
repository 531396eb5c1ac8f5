import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChangeRoutingPolicyHandler } from './commands/change-routing-policy/change-routing-policy.handler';
import { GetRequestExplanationHandler } from './queries/get-request-explanation/get-request-explanation.handler';
import { GetRoutingPolicyHistoryHandler } from './queries/get-routing-policy-history/get-routing-policy-history.handler';

/** Needs KNEX, EVENT_STORE and CLOCK from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [GetRequestExplanationHandler, ChangeRoutingPolicyHandler, GetRoutingPolicyHistoryHandler],
})
export class RoutingModule {}
