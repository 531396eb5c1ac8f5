import { isPowerLevel, NotFoundError, ValidationError, type PowerLevel } from '@gw/shared-kernel';
import { powerLevelForRequest, type PowerLevelSource, type Principal, type TierPolicy } from '@gw/accounts';
import { paidParamsOf, type CatalogModel, type CatalogProvider, type CatalogSnapshot } from '@gw/catalog';
import {
  promptTokenBound,
  explainNoCandidates,
  MODEL_ALIASES,
  rankCandidates,
  rankRoute,
  useCaseOf,
  type BalancingRecord,
  type ChainRecord,
  type NeedsRecord,
  type ProviderLoadView,
  type RankInput,
  type ProviderHealthTracker,
  type ProviderHealthView,
  type RankedCandidate,
  type RequestNeeds,
  type RoutingPolicy,
} from '@gw/routing';
import type { ChatCompletionDto } from './chat-completion.dto';
import { NO_BYOK, type ByokChoice } from './byok-keys';
import { ProvidersPausedError } from './chat.errors';
import { candidatesAllowingPaidParams } from './paid-params';

export interface RoutePlan {
  readonly requestedModel: string;
  readonly powerLevel: PowerLevel;
  readonly candidates: readonly RankedCandidate[];
  readonly models: ReadonlyMap<string, CatalogModel>;
  readonly policyVersion: number;
  readonly routingMicroseconds: number;
  /**
   * Panic mode: every candidate's circuit was open, so they are tried anyway as half-open trials,
   * least recently failed first (Envoy's panic threshold; LiteLLM never cools down the last
   * deployment). A success closes that circuit at once.
   */
  readonly panic: boolean;
  /** The caller's own keys that may pay for the candidates (NO_BYOK: none). */
  readonly byok: ByokChoice;
  /** What the request needs of a model, as the ranking read it. */
  readonly needs: NeedsRecord;
  /** The use case the request named (header, else metadata.use_case), when well-formed. */
  readonly useCase?: string;
  /** The chain configured for the request (use case or level), applied or not. */
  readonly chain?: ChainRecord;
  /** Weighted balancing's draw, when it chose the first candidate. */
  readonly balancing?: BalancingRecord;
}

/** What of the request routing reads beyond its body: its id (balancing's draw), its use case header, the load. */
export interface PlanRequest {
  readonly requestId?: string;
  /** The `x-switchyard-use-case` header. */
  readonly useCaseHeader?: string;
  /** The platform keys' load against the policy's providerLimits (absent: no rate-limit penalty). */
  readonly load?: ProviderLoadView;
}

/** The health the planner reads: the ranking's view plus why a credential is unavailable. */
export type PlannerHealth = ProviderHealthView &
  Pick<ProviderHealthTracker, 'availability' | 'unavailableForMs'>;

/** The model names that leave the choice to the router (MODEL_ALIASES). */
const ALIASES: ReadonlySet<string> = new Set(MODEL_ALIASES.map((a) => a.name));

/** What the request needs of a model; `promptTokens` an upper bound (promptTokenBound). */
const needsOf = (dto: ChatCompletionDto, promptTokens: number): RequestNeeds => ({
  streaming: dto.stream === true,
  tools: (dto.tools?.length ?? 0) > 0,
  vision: dto.messages.some(
    (m) => Array.isArray(m.content) && m.content.some((p) => (p as { type?: string }).type === 'image_url'),
  ),
  jsonMode: dto.response_format?.type === 'json_object' || dto.response_format?.type === 'json_schema',
  // Each choice of `n` has the whole window: the prompt and one choice's output.
  contextTokens: promptTokens + (dto.max_completion_tokens ?? dto.max_tokens ?? 0),
  maxOutputTokens: dto.max_completion_tokens ?? dto.max_tokens ?? 0,
});

const needsRecord = (n: RequestNeeds): NeedsRecord => ({
  streaming: n.streaming,
  tools: n.tools,
  vision: n.vision,
  jsonMode: n.jsonMode,
  contextTokens: n.contextTokens,
  maxOutputTokens: n.maxOutputTokens ?? 0,
});

/**
 * The models this caller may be routed to: the platform's, plus those of providers that serve only
 * with the caller's own key when they have one; with `byokOnly`, only providers they have a key for.
 * A caller without keys gets the snapshot's own list (no work per request).
 */
export function routableModels(catalog: CatalogSnapshot, byok: ByokChoice): readonly CatalogModel[] {
  if (byok.providers.size === 0 && !byok.only) return catalog.models;
  const base = byok.only ? catalog.models.filter((m) => byok.providers.has(m.provider)) : catalog.models;
  let extra: CatalogModel[] | undefined;
  for (const provider of byok.providers) {
    const models = catalog.keyOnly?.models.get(provider);
    if (models) (extra ??= []).push(...models);
  }
  if (byok.custom) (extra ??= []).push(...byok.custom.models);
  return extra ? [...base, ...extra] : base;
}

/**
 * The power level a request names, first found of: the X-Power-Level header, an alias model (`eco`,
 * `balanced`, `precision`; `auto` names none), the body's `power_level`. None: the account's own.
 */
function requestedPowerLevel(
  header: PowerLevel | undefined,
  alias: string | undefined,
  dto: ChatCompletionDto,
): { level: PowerLevel; source: PowerLevelSource } | undefined {
  if (header !== undefined) return { level: header, source: 'X-Power-Level' };
  if (alias !== undefined && alias !== 'auto') return { level: alias as PowerLevel, source: 'model' };
  if (dto.power_level !== undefined) return { level: dto.power_level as PowerLevel, source: 'power_level' };
  return undefined;
}

/** Chooses the ranked candidates for a request, from memory only. */
export function planRoute(
  dto: ChatCompletionDto,
  principal: Principal,
  powerLevelHeader: string | undefined,
  tiers: TierPolicy,
  catalog: CatalogSnapshot,
  policy: RoutingPolicy,
  health: PlannerHealth,
  byok: ByokChoice = NO_BYOK,
  promptTokens: number = promptTokenBound(dto),
  request: PlanRequest = {},
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
  const routable = routableModels(catalog, byok);
  const alias = ALIASES.has(dto.model) ? dto.model : undefined;
  let pinned: CatalogModel | undefined;
  if (!alias) {
    pinned = routable.find((m) => m.id === dto.model) ?? routable.find((m) => m.upstreamModel === dto.model);
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
  const powerLevel = powerLevelForRequest(
    tiers,
    principal.tier,
    principal.powerLevel,
    requestedPowerLevel(powerLevelHeader as PowerLevel | undefined, alias, dto),
  );
  // Paid features the catalog does not price go only to providers that allow them (none: a 400).
  const paid = paidParamsOf(dto);
  const providers = paid.length > 0 && catalog.keyOnly ? withKeyOnly(catalog) : catalog.providers;
  if (pinned) candidatesAllowingPaidParams([pinned], providers, paid);
  const input: RankInput = {
    models: candidatesAllowingPaidParams(routable, providers, paid),
    policy,
    powerLevel,
    tier: principal.tier,
    needs: needsOf(dto, promptTokens),
    health,
    byokProviders: byok.providers,
    credentials: byok.credentials,
    pinnedModelId: pinned?.id,
    ...(request.load && { load: request.load }),
  };
  const useCase = useCaseOf(request.useCaseHeader, dto.metadata);
  const route = rankRoute({ ...input, requestId: request.requestId ?? '', useCase });
  let candidates = route.candidates;
  const panic = candidates.length === 0;
  if (panic) candidates = panicCandidates(input, health);
  const models = new Map<string, CatalogModel>();
  for (const c of candidates) {
    const m = routable.find((x) => x.id === c.modelId);
    if (m) models.set(m.id, m);
  }
  return {
    requestedModel: dto.model,
    powerLevel,
    candidates,
    models,
    policyVersion: policy.version,
    routingMicroseconds: Number(process.hrtime.bigint() - started) / 1000,
    panic,
    byok,
    needs: needsRecord(input.needs),
    ...(useCase !== undefined && { useCase }),
    ...(route.chain && { chain: route.chain }),
    ...(!panic && route.balancing && { balancing: route.balancing }),
  };
}

const withKeyOnly = (catalog: CatalogSnapshot): ReadonlyMap<string, CatalogProvider> =>
  new Map([...catalog.providers, ...(catalog.keyOnly?.providers ?? [])]);

/**
 * Nothing healthy can serve the request. If something could with every provider healthy, health is
 * what removed it: the candidates whose circuit is open are tried anyway, least recently failed
 * first; when every one of them is paused by the provider's own retry-after, the answer is a 429 with
 * the earliest time one may be tried. If nothing could serve it even then, the request itself is the
 * problem: a 400 that names the filter that removed the last model.
 */
function panicCandidates(input: RankInput, health: PlannerHealth): RankedCandidate[] {
  const everyone = rankCandidates({ ...input, health: everyoneAvailable(health) });
  if (everyone.length === 0) {
    const why = explainNoCandidates(input);
    throw new ValidationError('ROUTING.NO_ELIGIBLE_MODEL', why.message, { param: why.param });
  }
  const trials: Array<{ candidate: RankedCandidate; lastFailureAt: number }> = [];
  for (const candidate of everyone) {
    const availability = health.availability(candidate.provider, candidate.credential);
    if (availability.kind !== 'paused')
      trials.push({
        candidate,
        lastFailureAt: availability.kind === 'circuit_open' ? availability.lastFailureAt : 0,
      });
  }
  if (trials.length === 0) throw new ProvidersPausedError(earliestRetryMs(everyone, health));
  // Stable: equal failure times keep the ranking's order.
  return trials.sort((a, b) => a.lastFailureAt - b.lastFailureAt).map((t) => t.candidate);
}

/** How long until the first of these candidates may be tried again (0: one may now). */
export function earliestRetryMs(
  candidates: readonly RankedCandidate[],
  health: Pick<ProviderHealthTracker, 'unavailableForMs'>,
): number {
  let earliest = Infinity;
  for (const c of candidates)
    earliest = Math.min(earliest, health.unavailableForMs(c.provider, c.credential) ?? 0);
  return Number.isFinite(earliest) ? earliest : 0;
}

/** The tracker's scores with every credential counted as available: what would serve if all were healthy. */
const everyoneAvailable = (health: ProviderHealthView): ProviderHealthView => ({
  errorRate: (provider, credential) => health.errorRate(provider, credential),
  latencyMs: (modelId) => health.latencyMs(modelId),
  isAvailable: () => true,
});
