import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import { ListProviderHealthChangesQuery } from '@gw/catalog';
import { GetProviderHealthDetailQuery, GetProviderHealthReportQuery, HEALTH_WINDOWS } from '@gw/routing';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { ChatContext } from '../chat/chat-context';
import { CatalogAdmin } from './catalog-admin';
import { ApiView } from '../http/openapi-views';
import {
  parseHealthWindow,
  type ProviderHealthReportView,
  type ProviderHealthView,
} from './provider-health.views';

export type { ProviderHealthReportView, ProviderHealthView } from './provider-health.views';

const WINDOW_QUERY = {
  name: 'window',
  required: false,
  enum: [...HEALTH_WINDOWS],
  description: 'default 24h; anything else is a 400 HEALTH.WINDOW_INVALID',
} as const;

@ApiTags('admin: providers')
@ApiBearerAuth()
@Controller('api/v1/admin/providers')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class ProviderHealthController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(CatalogAdmin) private readonly catalog: CatalogAdmin,
  ) {}

  /**
   * Every provider's health over the window, from the provider-health read model: status, uptime,
   * success rate, errors by kind, latency and time-to-first-token percentiles, per credential too.
   */
  @ApiQuery(WINDOW_QUERY)
  @ApiView('ProviderHealthReportView')
  @Get('health')
  report(@Query('window') window: unknown): Promise<ProviderHealthReportView> {
    return this.queries.execute(new GetProviderHealthReportQuery(parseHealthWindow(window)));
  }

  /**
   * Now (this instance's circuit breaker), the history of degradations and recoveries, and the read
   * model's summary and chart series over the window.
   */
  @ApiQuery(WINDOW_QUERY)
  @ApiView('ProviderHealthView')
  @Get(':slug/health')
  async health(@Param('slug') slug: string, @Query('window') window: unknown): Promise<ProviderHealthView> {
    const parsed = parseHealthWindow(window);
    this.catalog.provider(slug); // 404 for a provider the catalog does not have
    const timeline = await this.queries.execute(new ListProviderHealthChangesQuery(slug));
    const detail = await this.queries.execute(new GetProviderHealthDetailQuery(slug, parsed));
    return {
      ...this.context.health.snapshot(slug),
      timeline,
      window: detail.window,
      summary: detail.summary,
      series: detail.series,
    };
  }
}
