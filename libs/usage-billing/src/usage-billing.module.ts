import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GetMyUsageHandler } from './queries/get-my-usage/get-my-usage.handler';
import { ChangeBillingPolicyHandler } from './commands/change-billing-policy/change-billing-policy.handler';
import { CREDITS_HANDLERS } from './credits/commands/credits.commands';

/** Needs KNEX, EVENT_STORE and CLOCK from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [GetMyUsageHandler, ChangeBillingPolicyHandler, ...CREDITS_HANDLERS],
})
export class UsageBillingModule {}
