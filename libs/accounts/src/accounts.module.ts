import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChangeTierPolicyHandler } from './commands/change-tier-policy/change-tier-policy.handler';
import { DeleteAccountHandler } from './commands/delete-account/delete-account.handler';
import { IssueGatewayKeyHandler } from './commands/issue-gateway-key/issue-gateway-key.handler';
import { OpenAccountHandler } from './commands/open-account/open-account.handler';
import { RevokeGatewayKeyHandler } from './commands/revoke-gateway-key/revoke-gateway-key.handler';
import { UpdateAccountHandler } from './commands/update-account/update-account.handler';

/** Needs EVENT_STORE and CLOCK from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [
    OpenAccountHandler,
    IssueGatewayKeyHandler,
    RevokeGatewayKeyHandler,
    UpdateAccountHandler,
    ChangeTierPolicyHandler,
    DeleteAccountHandler,
  ],
})
export class AccountsModule {}
