import { Body, Controller, Get, Inject, Put, Req, Res, UseGuards } from '@nestjs/common';
import { ApiTags, ApiBearerAuth, ApiBody } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { ChangeRoutingPolicyCommand } from '@gw/routing';
import { ValidationError } from '@gw/shared-kernel';
import { validateDto } from '../http/validate-dto';
import { waitUntil } from '../http/wait-until';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { ChatContext } from '../chat/chat-context';
import { commandMetadata } from '../http/command-metadata';
import { policyFromDto, policyToView, RoutingPolicyDto, type RoutingPolicyView } from './routing-policy.dto';
import { dtoSchema } from '../http/openapi';
import { ApiView } from '../http/openapi-views';

/** `If-Match: "3"` → 3; absent → undefined; anything else is a 400. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = typeof header === 'string' ? /^(?:W\/)?"?(\d+)"?$/.exec(header.trim()) : null;
  if (!match)
    throw new ValidationError('REQUEST.INVALID_IF_MATCH', 'If-Match must be an ETag from GET, e.g. "3"', {
      param: 'If-Match',
    });
  return Number(match[1]);
}

@ApiTags('admin: routing policy')
@ApiBearerAuth()
@Controller('api/v1/admin/routing/policy')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class RoutingPolicyController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ChatContext) private readonly context: ChatContext,
  ) {}

  /** The policy in force on this instance. */
  @ApiView('RoutingPolicyView')
  @Get()
  get(@Res({ passthrough: true }) reply: FastifyReply): RoutingPolicyView {
    void reply.header('etag', `"${this.context.policy.version}"`);
    return policyToView(this.context.policy);
  }

  /**
   * Replaces the policy. Answers once this instance routes with it, so the next request uses it.
   * `If-Match` with the current ETag guards against overwriting someone else's change.
   */
  @ApiBody({ schema: dtoSchema('RoutingPolicyDto') })
  @ApiView('RoutingPolicyView')
  @Put()
  async put(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoutingPolicyView> {
    const dto = validateDto(RoutingPolicyDto, body);
    const principal = request.principal!;
    const result = await this.commands.execute(
      new ChangeRoutingPolicyCommand(
        policyFromDto(dto),
        commandMetadata(request, principal),
        parseIfMatch(request.headers['if-match']),
      ),
    );
    await waitUntil(() => this.context.policy.version >= result.version);
    void reply.header('etag', `"${result.version}"`);
    return policyToView(result);
  }
}
