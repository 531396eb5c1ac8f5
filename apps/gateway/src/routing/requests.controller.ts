import { Controller, Get, Inject, Param, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { ApiTags, ApiBearerAuth } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import type { Principal } from '@gw/accounts';
import { GetRequestExplanationQuery, type RequestExplanation } from '@gw/routing';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiView } from '../http/openapi-views';

@ApiTags('requests')
@ApiBearerAuth()
@Controller('api/v1/requests')
@UseGuards(GatewayKeyGuard)
export class RequestsController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  /** Why a request was routed where it went: candidates with scores, fallback hops, outcome, usage. */
  @ApiView('RequestExplanation')
  @Get(':id')
  explain(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RequestExplanation> {
    return this.queries.execute(new GetRequestExplanationQuery(id, principal));
  }
}
