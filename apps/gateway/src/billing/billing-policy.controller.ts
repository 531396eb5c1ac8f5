import { Body, Controller, Get, Inject, Put, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { AccessDirectory } from '@gw/accounts';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import {
  BILLING_POLICY_STREAM,
  billingPolicyFromData,
  billingPolicyToData,
  ChangeBillingPolicyCommand,
  DEFAULT_BILLING_POLICY,
  type BillingPolicyChanged,
  type BillingPolicyData,
} from '@gw/usage-billing';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { ChatContext } from '../chat/chat-context';
import { commandMetadata } from '../http/command-metadata';
import { dtoSchema } from '../http/openapi';
import { validateDto } from '../http/validate-dto';
import { waitUntil } from '../http/wait-until';
import { parseIfMatch } from '../routing/routing-policy.controller';
import { BillingPolicyChangesDto } from './billing-policy.dto';
import { ApiView } from '../http/openapi-views';
import { readPolicyHistory, type BillingPolicyHistory } from '../admin-policies/policy-history';

export type BillingPolicyView = { version: number } & BillingPolicyData;

/** Admin: how cost becomes charge, and the credit packages. Versioned; ETag / If-Match. */
@ApiTags('admin: billing')
@ApiBearerAuth()
@Controller('api/v1/admin/billing/policy')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class BillingPolicyController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  /** The billing policy in force on this instance (version 0: the product defaults). */
  @ApiView('BillingPolicyView')
  @Get()
  get(@Res({ passthrough: true }) reply: FastifyReply): BillingPolicyView {
    const { version, policy } = this.context.billing;
    void reply.header('etag', `"${version}"`);
    return { version, ...billingPolicyToData(policy) };
  }

  /** Every recorded version, newest first: who changed it, when, and the whole policy then. */
  @ApiView('BillingPolicyHistory')
  @Get('history')
  async history(): Promise<BillingPolicyHistory> {
    const versions = await readPolicyHistory(
      this.store,
      this.directory,
      BILLING_POLICY_STREAM,
      'BillingPolicyChanged',
      // through the domain type, so an older event's missing field reads as its default
      (data: BillingPolicyChanged['data']) => billingPolicyToData(billingPolicyFromData(data.policy)),
      billingPolicyToData(DEFAULT_BILLING_POLICY),
    );
    return { versions };
  }

  /** Changes only the fields given; answers once this instance charges by the new version. */
  @ApiBody({ schema: dtoSchema('BillingPolicyChangesDto') })
  @ApiView('BillingPolicyView')
  @Put()
  async put(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BillingPolicyView> {
    const dto = validateDto(BillingPolicyChangesDto, body, { strict: true });
    const result = await this.commands.execute(
      new ChangeBillingPolicyCommand(
        dto,
        commandMetadata(request, request.principal!),
        parseIfMatch(request.headers['if-match']),
      ),
    );
    await waitUntil(() => this.context.billing.version >= result.version);
    void reply.header('etag', `"${result.version}"`);
    return { version: result.version, ...billingPolicyToData(result.policy) };
  }
}
