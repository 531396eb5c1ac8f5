import { Body, Controller, Get, HttpCode, Inject, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import { isTier, POWER_LEVELS, ValidationError, type Tier } from '@gw/shared-kernel';
import {
  GetRoutingPolicyHistoryQuery,
  previewLevel,
  promptTokenBound,
  validateRoutingPolicy,
  type RequestNeeds,
  type RoutingPolicy,
} from '@gw/routing';
import { AccessDirectory } from '@gw/accounts';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { ChatContext } from '../chat/chat-context';
import { dtoSchema } from '../http/openapi';
import { ApiView, ApiViewArray } from '../http/openapi-views';
import { validateDto } from '../http/validate-dto';
import { policyFromDto, policyToView, RoutingPolicyDto } from './routing-policy.dto';
import {
  rankingView,
  type RoutingPolicyVersionView,
  type RoutingPreviewLevelView,
  type RoutingPreviewView,
} from './routing-preview.views';

/** The request every level is ranked for: the level's alias as model, one short user message. */
const PREVIEW_MESSAGE = 'Hello! Can you help me with a short question?';

/** The prompt's token bound, as the chat path computes it (the model named does not change it). */
const PREVIEW_PROMPT_TOKENS = promptTokenBound({ messages: [{ role: 'user', content: PREVIEW_MESSAGE }] });

/** A short, non-streaming request without tools, images or JSON mode, no max_tokens. */
const previewNeeds = (promptTokens: number): RequestNeeds => ({
  streaming: false,
  tools: false,
  vision: false,
  jsonMode: false,
  contextTokens: promptTokens,
  maxOutputTokens: 0,
});

/**
 * What a routing policy would do before it is saved (POST /preview: memory only, nothing is written
 * and no event is appended), and what the saved versions were (GET /policy/history).
 */
@ApiTags('admin: routing policy')
@ApiBearerAuth()
@Controller('api/v1/admin/routing')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class RoutingPreviewController {
  constructor(
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  /**
   * Ranks the current catalog (the platform's models, as a caller without their own keys sees it)
   * for each power level under a draft policy (the PUT body, validated the same way) and under the
   * saved one, with the chat path's own ranker, health and the given tier (default enterprise: every
   * model a tier can reach). Each level ranks the request a client makes with that level's alias as
   * model and one short user message.
   */
  @ApiBody({ schema: dtoSchema('RoutingPolicyDto') })
  @ApiQuery({ name: 'tier', required: false, enum: ['free', 'starter', 'professional', 'enterprise'] })
  @ApiView('RoutingPreviewView')
  @Post('preview')
  @HttpCode(200)
  preview(@Body() body: unknown, @Query('tier') tierParam?: string): RoutingPreviewView {
    const tier = tierOf(tierParam);
    const dto = validateDto(RoutingPolicyDto, body);
    const draftPolicy = policyFromDto(dto);
    validateRoutingPolicy(draftPolicy);
    const draft: RoutingPolicy = { ...draftPolicy, version: this.context.policy.version };
    const saved = this.context.policy;
    const catalog = this.context.catalog;
    const health = this.context.health;
    const levels = POWER_LEVELS.map((powerLevel): RoutingPreviewLevelView => {
      const base = {
        models: catalog.models,
        powerLevel,
        tier,
        needs: previewNeeds(PREVIEW_PROMPT_TOKENS),
        health,
        byokProviders: new Set<string>(),
        // The platform keys' load now, against each policy's providerLimits.
        load: this.context.load,
      };
      const savedPreview = previewLevel({ ...base, policy: saved });
      const savedRanks = new Map(savedPreview.ranked.map((c) => [c.model.id, c.rank]));
      const draftPreview = previewLevel({ ...base, policy: draft });
      return {
        powerLevel,
        requestedModel: powerLevel,
        draft: rankingView(
          draftPreview,
          { preferredProviders: draft.levels[powerLevel].preferredProviders, maxAttempts: draft.maxAttempts },
          savedRanks,
        ),
        saved: rankingView(
          savedPreview,
          { preferredProviders: saved.levels[powerLevel].preferredProviders, maxAttempts: saved.maxAttempts },
          savedRanks,
        ),
      };
    });
    return {
      request: {
        message: PREVIEW_MESSAGE,
        promptTokens: PREVIEW_PROMPT_TOKENS,
        tier,
        stream: false,
        byok: false,
      },
      saved: policyToView(saved),
      levels,
    };
  }

  /** Every version, newest first, ending with version 0 (the product defaults, changedBy/At null). */
  @ApiViewArray('RoutingPolicyVersionView')
  @Get('policy/history')
  async history(): Promise<RoutingPolicyVersionView[]> {
    const versions = await this.queries.execute(new GetRoutingPolicyHistoryQuery());
    return versions.map((v) => ({
      version: v.version,
      changedBy: v.changedBy,
      changedByName: v.changedBy === null ? null : (this.directory.account(v.changedBy)?.name ?? null),
      changedAt: v.changedAt,
      policy: policyToView(v.policy),
    }));
  }
}

function tierOf(param: string | undefined): Tier {
  if (param === undefined || param === '') return 'enterprise';
  if (!isTier(param))
    throw new ValidationError(
      'REQUEST.INVALID_PARAMETER',
      'tier must be free, starter, professional or enterprise',
      {
        param: 'tier',
      },
    );
  return param;
}
