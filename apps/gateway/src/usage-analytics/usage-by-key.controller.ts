import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AccessDirectory, type Principal } from '@gw/accounts';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { ApiView } from '../http/openapi-views';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { UsageRangeDto } from './usage-analytics.dto';
import { readQuery, UsageAnalyticsReader } from './usage-analytics.reader';
import { toUsageByKeyView, type UsageByKeyView } from './usage-portal.views';

/** The caller's usage by the gateway key it was made with (the other breakdowns' range rules). */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/usage')
@UseGuards(GatewayKeyGuard)
export class MeUsageByKeyController {
  constructor(
    @Inject(UsageAnalyticsReader) private readonly reader: UsageAnalyticsReader,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  /**
   * One row per key (revoked keys included, named and masked); requests made while signed in are one
   * row with apiKeyId null, "Signed-in session"; most charged first.
   */
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'ISO 8601, inclusive; default 30 days before `to`',
  })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive; default now' })
  @ApiView('UsageByKeyView')
  @Get('by-key')
  async byKey(@CurrentPrincipal() p: Principal, @Query() q: unknown): Promise<UsageByKeyView> {
    const result = await this.reader.byKey({ kind: 'user', userId: p.userId }, readQuery(UsageRangeDto, q));
    return toUsageByKeyView(result, (keyId) => this.directory.keyOf(p.userId, keyId));
  }
}
