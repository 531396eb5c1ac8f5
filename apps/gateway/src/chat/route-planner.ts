import { isPowerLevel, NotFoundError, ValidationError, type PowerLevel } from '@gw/shared-kernel';
import type { Principal } from '@gw/accounts';
import type { CatalogModel, CatalogSnapshot } from '@gw/catalog';
import {
  rankCandidates,
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

/** Rough, cheap prompt size for the context-window filter (chars / 4, the usual English ratio). */
function estimateContextTokens(dto: ChatCompletionDto): number {
  let chars = 0;
  for (const m of dto.messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else if (Array.isArray(m.content)) for (const p of m.content) chars += JSON.stringify(p).length;
  }
  return Math.ceil(chars / 4) + (dto.max_completion_tokens ?? dto.max_tokens ?? 0);
}

const needsOf = (dto: ChatCompletionDto): RequestNeeds => ({
  streaming: dto.stream === true,
  tools: (dto.tools?.length ?? 0) > 0,
  vision: dto.messages.some(
    (m) => Array.isArray(m.content) && m.content.some((p) => (p as { type?: string }).type === 'image_url'),
  ),
  jsonMode: dto.response_format?.type === 'json_object' || dto.response_format?.type === 'json_schema',
  contextTokens: estimateContextTokens(dto),
});

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
    needs: needsOf(dto),
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
