import { Body, Controller, Get, Inject, Put, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { AccessDirectory } from '@gw/accounts';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import {
  ChangeRateLimitsCommand,
  DEFAULT_RATE_LIMITS,
  RATE_LIMIT_POLICY_STREAM,
  RateLimits,
  rateLimitsFromEvent,
  type RateLimitPolicy,
  type RateLimitsChanged,
} from '@gw/limits';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { commandMetadata } from '../http/command-metadata';
import { dtoSchema } from '../http/openapi';
import { validateDto } from '../http/validate-dto';
import { waitUntil } from '../http/wait-until';
import { parseIfMatch } from '../routing/routing-policy.controller';
import { RateLimitsDto } from './rate-limits.dto';
import { ApiView } from '../http/openapi-views';
import { readPolicyHistory, type RateLimitsHistory } from '../admin-policies/policy-history';

export interface RateLimitsView {
  readonly version: number;
  readonly tiers: RateLimitPolicy;
}

/** Admin: requests per minute / hour / day and tokens per minute per tier. Versioned; ETag / If-Match. */
@ApiTags('admin: rate limits')
@ApiBearerAuth()
@Controller('api/v1/admin/limits')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class RateLimitsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(RateLimits) private readonly limits: RateLimits,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  /** The limits in force on this instance (version 0: the defaults); null = unlimited. */
  @ApiView('RateLimitsView')
  @Get()
  get(@Res({ passthrough: true }) reply: FastifyReply): RateLimitsView {
    const version = this.limits.view.version();
    void reply.header('etag', `"${version}"`);
    return { version, tiers: this.limits.view.policy() };
  }

  /** Every recorded version, newest first: who changed it, when, and every tier's limits then. */
  @ApiView('RateLimitsHistory')
  @Get('history')
  async history(): Promise<RateLimitsHistory> {
    const versions = await readPolicyHistory(
      this.store,
      this.directory,
      RATE_LIMIT_POLICY_STREAM,
      'RateLimitsChanged',
      (data: RateLimitsChanged['data']) => ({ tiers: rateLimitsFromEvent(data.tiers) }),
      { tiers: DEFAULT_RATE_LIMITS },
    );
    return { versions };
  }

  /** Changes only the tiers and fields given; answers once this instance applies the change. */
  @ApiBody({ schema: dtoSchema('RateLimitsDto') })
  @ApiView('RateLimitsView')
  @Put()
  async put(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RateLimitsView> {
    validateDto(RateLimitsDto, body, { strict: true });
    const result = await this.commands.execute(
      new ChangeRateLimitsCommand(
        (body as { tiers: unknown }).tiers, // as sent: a field left out is unchanged, null is unlimited
        commandMetadata(request, request.principal!),
        parseIfMatch(request.headers['if-match']),
      ),
    );
    await waitUntil(() => this.limits.view.version() >= result.version);
    void reply.header('etag', `"${result.version}"`);
    return { version: result.version, tiers: result.policy };
  }
}
