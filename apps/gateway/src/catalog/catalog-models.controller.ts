import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@gw/accounts';
import { toCatalogModel } from '@gw/catalog';
import { MODEL_ALIASES, powerLevelsOffering, publicHealthOf } from '@gw/routing';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ChatContext } from '../chat/chat-context';
import { CatalogState } from '../runtime/catalog-state';
import { toCatalogModelView, type CatalogModelsView } from './catalog-models.views';
import { ApiView } from '../http/openapi-views';

/**
 * The catalog as users see it: every model an admin has enabled, of a provider an admin has enabled
 * (disabled ones are not listed), with its prices, the power levels routing may pick it under the
 * current policy, recent latency and health from this instance's memory, and whether the caller's
 * tier may use it. Reads memory only.
 */
@ApiTags('catalog')
@ApiBearerAuth()
@Controller('api/v1/catalog')
@UseGuards(GatewayKeyGuard)
export class CatalogModelsController {
  constructor(
    @Inject(CatalogState) private readonly catalog: CatalogState,
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @ApiView('CatalogModelsView')
  @Get('models')
  models(@CurrentPrincipal() principal: Principal): CatalogModelsView {
    const nowMs = this.clock.now().getTime();
    const policy = this.context.policy;
    const health = this.context.health;
    const models = [];
    for (const p of this.catalog.view.providers()) {
      if (!p.enabled) continue;
      const status = this.catalog.status(p);
      const providerHealth = publicHealthOf(status, health.snapshot(p.spec.slug), nowMs);
      for (const m of this.catalog.view.models(p.spec.slug)) {
        if (!m.enabled) continue;
        models.push(
          toCatalogModelView(m, p, {
            status,
            tier: principal.tier,
            powerLevels: powerLevelsOffering(toCatalogModel(m), policy),
            latencyMs: health.latencyMs(m.id),
            health: providerHealth,
          }),
        );
      }
    }
    models.sort((a, b) => a.id.localeCompare(b.id));
    return { models, aliases: MODEL_ALIASES };
  }
}
