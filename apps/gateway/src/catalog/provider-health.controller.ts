import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiTags, ApiBearerAuth } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import { ListProviderHealthChangesQuery, type ProviderHealthChange } from '@gw/catalog';
import type { ProviderHealthSnapshot } from '@gw/routing';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { ChatContext } from '../chat/chat-context';
import { CatalogAdmin } from './catalog-admin';
import { ApiView } from '../http/openapi-views';

/** GET /api/v1/admin/providers/:slug/health */
export type ProviderHealthView = ProviderHealthSnapshot & {
  readonly timeline: readonly ProviderHealthChange[];
};

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

  /** Now (this instance's circuit breaker) and the history of degradations and recoveries. */
  @ApiView('ProviderHealthView')
  @Get(':slug/health')
  async health(@Param('slug') slug: string): Promise<ProviderHealthView> {
    this.catalog.provider(slug); // 404 for a provider the catalog does not have
    const timeline = await this.queries.execute(new ListProviderHealthChangesQuery(slug));
    return { ...this.context.health.snapshot(slug), timeline };
  }
}
