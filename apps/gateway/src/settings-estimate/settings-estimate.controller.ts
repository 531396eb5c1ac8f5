import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@gw/accounts';
import { DomainError, POWER_LEVELS, type PowerLevel } from '@gw/shared-kernel';
import { priceTypicalRequest, TYPICAL_REQUEST } from '@gw/usage-billing';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import type { ChatCompletionDto } from '../chat/chat-completion.dto';
import { ChatContext } from '../chat/chat-context';
import { ChatService } from '../chat/chat.service';
import { ProvidersPausedError } from '../chat/chat.errors';
import type { RoutePlan } from '../chat/route-planner';
import type { PowerLevelEstimate, SettingsEstimateView } from './settings-estimate.views';
import { ApiView } from '../http/openapi-views';

/** A request of the typical size at one power level: the level's alias as model, one user message. */
const typicalDto = (level: PowerLevel): ChatCompletionDto =>
  ({ model: level, messages: [{ role: 'user', content: 'typical request' }] }) as ChatCompletionDto;

const none = (powerLevel: PowerLevel, reason: string): PowerLevelEstimate => ({
  powerLevel,
  model: null,
  provider: null,
  estimatedCostMicros: null,
  providerCostMicros: null,
  keySource: null,
  reason,
});

/**
 * The settings page's live estimate: for each power level, the model the chat path's own planner
 * would try first now (current catalog, routing policy, health, this caller's tier and BYOK keys)
 * for a typical request (TYPICAL_REQUEST: 1,000 prompt + 500 completion tokens), and what it would
 * be charged under the current billing policy. Memory only, nothing is called or recorded.
 */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/settings')
@UseGuards(GatewayKeyGuard)
export class SettingsEstimateController {
  constructor(
    @Inject(ChatService) private readonly chat: ChatService,
    @Inject(ChatContext) private readonly context: ChatContext,
  ) {}

  @ApiView('SettingsEstimateView')
  @Get('estimate')
  estimate(@CurrentPrincipal() principal: Principal): SettingsEstimateView {
    return {
      typicalRequest: { ...TYPICAL_REQUEST },
      levels: POWER_LEVELS.map((level) => this.level(principal, level)),
    };
  }

  private level(principal: Principal, powerLevel: PowerLevel): PowerLevelEstimate {
    let plan: RoutePlan;
    try {
      plan = this.chat.planFor(principal, typicalDto(powerLevel), TYPICAL_REQUEST.promptTokens);
    } catch (e) {
      if (e instanceof DomainError) return none(powerLevel, e.message);
      if (e instanceof ProvidersPausedError)
        return none(powerLevel, 'Every provider that could serve it is paused; try again shortly.');
      throw e;
    }
    const first = plan.candidates[0];
    const model = first && plan.models.get(first.modelId);
    if (!first || !model) return none(powerLevel, 'No model can serve this power level now.');
    const keySource = first.byok ? 'byok' : 'platform';
    const price = priceTypicalRequest(
      model.prices,
      TYPICAL_REQUEST,
      { powerLevel, tier: principal.tier, keySource },
      this.context.billing.policy,
    );
    return {
      powerLevel,
      model: model.id,
      provider: model.provider,
      estimatedCostMicros: price.chargedMicros.toString(),
      providerCostMicros: price.providerCostMicros.toString(),
      keySource,
      reason: null,
    };
  }
}
