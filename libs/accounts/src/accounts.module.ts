import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IssueGatewayKeyHandler } from './commands/issue-gateway-key/issue-gateway-key.handler';
import { OpenAccountHandler } from './commands/open-account/open-account.handler';
import { RevokeGatewayKeyHandler } from './commands/revoke-gateway-key/revoke-gateway-key.handler';

/** Needs EVENT_STORE and CLOCK from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [OpenAccountHandler, IssueGatewayKeyHandler, RevokeGatewayKeyHandler],
})
export class AccountsModule {}
