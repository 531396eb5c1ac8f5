import { Body, Controller, Get, Inject, Put, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import {
  AccessDirectory,
  ChangeTierPolicyCommand,
  DEFAULT_TIER_POLICY,
  TIER_POLICY_STREAM,
  tierPolicyFromEvent,
  type TierPolicyChanged,
} from '@gw/accounts';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { commandMetadata } from '../http/command-metadata';
import { dtoSchema } from '../http/openapi';
import { validateDto } from '../http/validate-dto';
import { waitUntil } from '../http/wait-until';
import { parseIfMatch } from '../routing/routing-policy.controller';
import { TierPolicyDto } from './accounts.dto';
import type { TierPolicyView } from './accounts.views';
import { readPolicyHistory, type TierPolicyHistory } from '../admin-policies/policy-history';
import { ApiView } from '../http/openapi-views';

/** Admin: what each tier may use (power levels, own provider keys). Versioned; ETag / If-Match. */
@ApiTags('admin: tiers')
@ApiBearerAuth()
@Controller('api/v1/admin/tiers')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class TierPolicyController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** The tier policy in force on this instance (version 0: the defaults). */
  @ApiView('TierPolicyView')
  @Get()
  get(@Res({ passthrough: true }) reply: FastifyReply): TierPolicyView {
    const version = this.directory.tierPolicyVersion();
    void reply.header('etag', `"${version}"`);
    return { version, tiers: this.directory.tierPolicy() };
  }

  /** Every recorded version, newest first: who changed it, when, and the whole policy then. */
  @ApiView('TierPolicyHistory')
  @Get('history')
  async history(): Promise<TierPolicyHistory> {
    const versions = await readPolicyHistory(
      this.store,
      this.directory,
      TIER_POLICY_STREAM,
      'TierPolicyChanged',
      (data: TierPolicyChanged['data']) => ({ tiers: tierPolicyFromEvent(data.tiers) }),
      { tiers: DEFAULT_TIER_POLICY },
    );
    return { versions };
  }

  /** Replaces the rules of every tier; answers once this instance applies them. */
  @ApiBody({ schema: dtoSchema('TierPolicyDto') })
  @ApiView('TierPolicyView')
  @Put()
  async put(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TierPolicyView> {
    const dto = validateDto(TierPolicyDto, body, { strict: true });
    const result = await this.commands.execute(
      new ChangeTierPolicyCommand(
        dto.tiers,
        commandMetadata(request, request.principal!),
        parseIfMatch(request.headers['if-match']),
      ),
    );
    await waitUntil(() => this.directory.tierPolicyVersion() >= result.version);
    void reply.header('etag', `"${result.version}"`);
    return { version: result.version, tiers: result.policy };
  }
}
