import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@gw/accounts';
import { toCatalogModel } from '@gw/catalog';
import { MODEL_ALIASES, powerLevelsOffering, publicHealthFromStatus, publicHealthOf } from '@gw/routing';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ChatContext } from '../chat/chat-context';
import { CatalogState } from '../runtime/catalog-state';
import { toCatalogModelView, type CatalogModelsView } from './catalog-models.views';
import { ProviderHealthCache } from './provider-health-cache';
import { ApiView } from '../http/openapi-views';

/**
 * The catalog as users see it: every model an admin has enabled, of a provider an admin has enabled
 * (disabled ones are not listed), with its prices, the power levels routing may pick it under the
 * current policy, latency and health, and whether the caller's tier may use it. Latency (the p50 of
 * the last 24 hours) and health read the provider-health read model through a cache refreshed at
 * most every few seconds; a model without answers there shows this instance's recent latency, a
 * provider the read model does not know this instance's breaker.
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
    @Inject(ProviderHealthCache) private readonly healthModel: ProviderHealthCache,
  ) {}

  @ApiView('CatalogModelsView')
  @Get('models')
  async models(@CurrentPrincipal() principal: Principal): Promise<CatalogModelsView> {
    const read = await this.healthModel.current();
    const nowMs = this.clock.now().getTime();
    const policy = this.context.policy;
    const health = this.context.health;
    const models = [];
    for (const p of this.catalog.view.providers()) {
      if (!p.enabled) continue;
      const status = this.catalog.status(p);
      const modelStatus = read.status.get(p.spec.slug);
      const providerHealth =
        modelStatus === undefined
          ? publicHealthOf(status, health.snapshot(p.spec.slug), nowMs)
          : publicHealthFromStatus(status, modelStatus);
      for (const m of this.catalog.view.models(p.spec.slug)) {
        if (!m.enabled) continue;
        models.push(
          toCatalogModelView(m, p, {
            status,
            tier: principal.tier,
            powerLevels: powerLevelsOffering(toCatalogModel(m), policy),
            latencyMs: read.p50LatencyMs.get(m.id) ?? health.latencyMs(m.id),
            health: providerHealth,
          }),
        );
      }
    }
    models.sort((a, b) => a.id.localeCompare(b.id));
    return { models, aliases: MODEL_ALIASES };
  }
}
