import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ListProviderHealthChangesQuery, type ProviderHealthChange } from '@gw/catalog';
import type { ProviderHealthSnapshot } from '@gw/routing';
import { NotFoundError } from '@gw/shared-kernel';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { ChatContext } from '../chat/chat-context';
import { CatalogState } from '../runtime/catalog-state';

@Controller('api/v1/admin/providers')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class ProviderHealthController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(CatalogState) private readonly catalog: CatalogState,
  ) {}

  /** Now (this instance's circuit breaker) and the history of degradations and recoveries. */
  @Get(':slug/health')
  async health(
    @Param('slug') slug: string,
  ): Promise<ProviderHealthSnapshot & { timeline: ProviderHealthChange[] }> {
    if (!this.catalog.view.provider(slug)) {
      throw new NotFoundError('CATALOG.PROVIDER_NOT_FOUND', `No provider ${slug}`);
    }
    const timeline = await this.queries.execute(new ListProviderHealthChangesQuery(slug));
    return { ...this.context.health.snapshot(slug), timeline };
  }
}
