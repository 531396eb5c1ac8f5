import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiTags, ApiBearerAuth } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import type { Principal } from '@gw/accounts';
import { GetMyUsageQuery, type MyUsage } from '@gw/usage-billing';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiView } from '../http/openapi-views';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
@UseGuards(GatewayKeyGuard)
export class MeUsageController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  /** The caller's lifetime totals, from the usage read model. */
  @ApiView('MyUsage')
  @Get('usage')
  getMyUsage(@CurrentPrincipal() principal: Principal): Promise<MyUsage> {
    return this.queries.execute(new GetMyUsageQuery(principal.userId));
  }
}
