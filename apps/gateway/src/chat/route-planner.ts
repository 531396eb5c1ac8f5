import { isPowerLevel, NotFoundError, ValidationError, type PowerLevel } from '@gw/shared-kernel';
import type { Principal } from '@gw/accounts';
import type { CatalogModel, CatalogSnapshot } from '@gw/catalog';
import {
  contextTokensNeeded,
  rankCandidates,
  type PromptText,
  type ProviderHealthTracker,
  type ProviderHealthView,
  type RankedCandidate,
  type RequestNeeds,
  type RoutingPolicy,
} from '@gw/routing';
import type { ChatCompletionDto } from './chat-completion.dto';
import { ProviderUnavailableError } from './chat.errors';

export interface RoutePlan {
  readonly requestedModel: string;
  readonly powerLevel: PowerLevel;
  readonly candidates: readonly RankedCandidate[];
  readonly models: ReadonlyMap<string, CatalogModel>;
  readonly policyVersion: number;
  readonly routingMicroseconds: number;
}

const ALIASES = new Set(['auto', 'eco', 'balanced', 'precision']);

/** The text of the prompt as the model will see it (parts serialised as they are sent). */
function promptText(dto: ChatCompletionDto): PromptText {
  const texts: string[] = [];
  for (const m of dto.messages) {
    if (typeof m.content === 'string') texts.push(m.content);
    else if (Array.isArray(m.content)) for (const p of m.content) texts.push(JSON.stringify(p));
    if (m.tool_calls) texts.push(JSON.stringify(m.tool_calls));
  }
  if (dto.tools) texts.push(JSON.stringify(dto.tools));
  return { texts, messages: dto.messages.length };
}

const needsOf = (dto: ChatCompletionDto, smallestWindow: number): RequestNeeds => ({
  streaming: dto.stream === true,
  tools: (dto.tools?.length ?? 0) > 0,
  vision: dto.messages.some(
    (m) => Array.isArray(m.content) && m.content.some((p) => (p as { type?: string }).type === 'image_url'),
  ),
  jsonMode: dto.response_format?.type === 'json_object' || dto.response_format?.type === 'json_schema',
  contextTokens: contextTokensNeeded(
    promptText(dto),
    dto.max_completion_tokens ?? dto.max_tokens ?? 0,
    smallestWindow,
  ),
  maxOutputTokens: dto.max_completion_tokens ?? dto.max_tokens ?? 0,
});

const smallestWindows = new WeakMap<CatalogSnapshot, number>();
/** The smallest context window among enabled models, computed once per catalog snapshot. */
function smallestWindowOf(catalog: CatalogSnapshot): number {
  let smallest = smallestWindows.get(catalog);
  if (smallest === undefined) {
    smallest = Math.min(
      ...catalog.models.filter((m) => m.enabled).map((m) => m.contextWindow),
      Number.MAX_SAFE_INTEGER,
    );
    smallestWindows.set(catalog, smallest);
  }
  return smallest;
}

/** Chooses the ranked candidates for a request, from memory only. */
export function planRoute(
  dto: ChatCompletionDto,
  principal: Principal,
  powerLevelHeader: string | undefined,
  catalog: CatalogSnapshot,
  policy: RoutingPolicy,
  health: ProviderHealthView & Pick<ProviderHealthTracker, 'unavailableForMs'>,
): RoutePlan {
  const started = process.hrtime.bigint();
  if (powerLevelHeader !== undefined && !isPowerLevel(powerLevelHeader)) {
    throw new ValidationError(
      'ROUTING.INVALID_POWER_LEVEL',
      'X-Power-Level must be eco, balanced or precision',
      {
        param: 'X-Power-Level',
      },
    );
  }
  const alias = ALIASES.has(dto.model) ? dto.model : undefined;
  let pinned: CatalogModel | undefined;
  if (!alias) {
    pinned =
      catalog.models.find((m) => m.id === dto.model) ??
      catalog.models.find((m) => m.upstreamModel === dto.model);
    if (!pinned || !pinned.enabled) {
      throw new NotFoundError(
        'ROUTING.MODEL_NOT_FOUND',
        `The model \`${dto.model}\` does not exist or you do not have access to it.`,
        {
          param: 'model',
        },
      );
    }
  }
  const powerLevel: PowerLevel =
    (powerLevelHeader as PowerLevel | undefined) ??
    (alias && alias !== 'auto' ? (alias as PowerLevel) : undefined) ??
    (dto.power_level as PowerLevel | undefined) ??
    principal.powerLevel;
  const candidates = rankCandidates({
    models: catalog.models,
    policy,
    powerLevel,
    tier: principal.tier,
    needs: needsOf(dto, smallestWindowOf(catalog)),
    health,
    byokProviders: new Set(),
    pinnedModelId: pinned?.id,
  });
  if (candidates.length === 0) {
    const waitMs = pinned ? health.unavailableForMs(pinned.provider) : undefined;
    if (pinned && waitMs !== undefined) throw new ProviderUnavailableError(pinned.provider, waitMs);
    throw new ValidationError(
      'ROUTING.NO_ELIGIBLE_MODEL',
      pinned
        ? `The model \`${pinned.id}\` cannot serve this request (capabilities, context window, tier, or provider unavailable).`
        : `No model can serve this request at power level ${powerLevel} (capabilities, context window, price limit or tier).`,
      { param: pinned ? 'model' : null },
    );
  }
  const models = new Map<string, CatalogModel>();
  for (const c of candidates) {
    const m = catalog.models.find((x) => x.id === c.modelId);
    if (m) models.set(m.id, m);
  }
  return {
    requestedModel: dto.model,
    powerLevel,
    candidates,
    models,
    policyVersion: policy.version,
    routingMicroseconds: Number(process.hrtime.bigint() - started) / 1000,
  };
}
