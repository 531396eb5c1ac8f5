import type { CatalogModel } from '@gw/catalog';
import {
  isEligible,
  isModelAlias,
  rankRoute,
  type BalancingRecord,
  type CandidateRecord,
  type ChainRecord,
  type FilterContext,
  type ProviderHealthView,
  type ProviderLoadView,
  type RoutingPolicy,
} from '@gw/routing';
import type { PowerLevel, Tier } from '@gw/shared-kernel';
import { chargeFor, priceUsage, type BillingPolicy } from '@gw/usage-billing';
import type { RecordedRequest } from './replay-input';

/**
 * The catalog a request is replayed against (as it was at the request's time, or as it is now):
 * what the gateway's routing snapshot held.
 */
export interface ReplayCatalog {
  /** Enabled models of the providers that served on the platform's key (or need no key). */
  readonly models: readonly CatalogModel[];
  /** Enabled models of providers that take a key and had no platform key: BYOK callers only. */
  readonly keyOnly: ReadonlyMap<string, readonly CatalogModel[]>;
}

export interface ReplayContext {
  readonly catalog: ReplayCatalog;
  /** The draft policy the request is replayed under. */
  readonly policy: RoutingPolicy;
  /**
   * The policy the request was routed under (its policyVersion): the recorded latency components are
   * read back with its latency bounds, and its filters tell a model health left out from one the
   * policy did.
   */
  readonly recordedPolicy: RoutingPolicy;
  /** The billing policy the after-side is charged with (as at billingPolicyVersion, or the current). */
  readonly billing: BillingPolicy;
  /** Replay every request at this power level instead of its own (the charge's multiplier too). */
  readonly powerLevel?: PowerLevel;
  /** The tier of a request that recorded none (no usage, older events). Default `free`. */
  readonly defaultTier?: Tier;
  /** How many candidates of each side's ranking to keep. Default 3. */
  readonly keepCandidates?: number;
}

export interface ReplaySide {
  /** Null when nothing could serve it (after-side only). */
  readonly modelId: string | null;
  readonly provider: string | null;
  readonly costMicros: bigint;
  readonly chargeMicros: bigint;
}

/** Why a side's first candidate came first: the ranking's top candidates, its chain and balancing draw. */
export interface ReplayExplanation {
  readonly candidates: readonly CandidateRecord[];
  /** Set when a fallback chain was configured for the request (applied or not). */
  readonly chain?: ChainRecord;
  /** Set when weighted balancing drew the first candidate. */
  readonly balancing?: BalancingRecord;
}

export interface ReplayedRequest {
  readonly requestId: string;
  readonly userId: string;
  readonly at: string;
  /** What was served and paid, as recorded, with the recorded explanation. */
  readonly before: ReplaySide & ReplayExplanation;
  /** The draft's choice and charge, with its explanation. */
  readonly after: ReplaySide & ReplayExplanation;
  /** The after-side's first candidate differs from the recorded one (RequestRouted.chosenModelId). */
  readonly changedModel: boolean;
  readonly changedProvider: boolean;
  /** Under the draft nothing could serve the request. */
  readonly noCandidate: boolean;
}

const RECORDED_LIMIT = 10;

/**
 * A latency read back from a recorded component (1 − ms / bound): the nearest thousandth of a
 * millisecond when it is that close (latencies are measured in whole or thousandths of ms, and the
 * float round trip is off by an ulp), else as computed.
 */
const latencyFromComponent = (component: number, boundMs: number): number => {
  const ms = (1 - component) * boundMs;
  const rounded = Math.round(ms * 1000) / 1000;
  return Math.abs(ms - rounded) <= 1e-9 * Math.max(1, ms) ? rounded : ms;
};

/**
 * The health the request saw, rebuilt from its recorded candidates: each recorded model's latency
 * (its latency component under the recorded policy's bound), each provider's error rate
 * (errorPenalty × 2); everything else at the catalog's typical latency and no errors.
 */
function recordedHealth(recorded: RecordedRequest, boundMs: number): ProviderHealthView {
  const latencies = new Map<string, number>();
  const errors = new Map<string, number>();
  for (const c of recorded.candidates) {
    latencies.set(c.modelId, latencyFromComponent(c.components.latency, boundMs));
    errors.set(c.provider, c.components.errorPenalty * 2);
  }
  return {
    errorRate: (provider) => errors.get(provider) ?? 0,
    latencyMs: (modelId) => latencies.get(modelId),
    isAvailable: () => true,
  };
}

/**
 * The providers' rate-limit load the request saw: a recorded penalty p is read back as the
 * utilization that gives it (0.8 + 0.2·p; 1 at the limit). It applies only where the draft still
 * limits the provider; a draft's different limits are not rescaled (the recorded counts are unknown).
 */
function recordedLoad(recorded: RecordedRequest): ProviderLoadView | undefined {
  let load: Map<string, number> | undefined;
  for (const c of recorded.candidates) {
    const p = c.components.rateLimit;
    if (p !== undefined && p > 0) (load ??= new Map()).set(c.provider, p >= 1 ? 1 : 0.8 + 0.2 * p);
  }
  if (!load) return undefined;
  const utilization = load;
  return { utilization: (provider) => utilization.get(provider) ?? 0 };
}

/** Providers the caller had their own key for, as far as the recorded candidates show. */
export function byokProvidersOf(recorded: RecordedRequest): Set<string> {
  const providers = new Set<string>();
  for (const c of recorded.candidates) if ((c.components.byok ?? 0) > 0) providers.add(c.provider);
  if (recorded.keySource === 'byok') providers.add(recorded.chosenProvider);
  return providers;
}

/**
 * The models the request could be routed to: the catalog's, those of key-only providers the caller
 * had a key for, less (when fewer than the 10 candidates a ranking keeps were recorded) the models
 * the recorded policy's filters let through that were not among them: health or reachability left
 * them out then (cooled down, unreachable), so they stay out in the replay.
 */
function routableModels(
  recorded: RecordedRequest,
  ctx: ReplayContext,
  byok: ReadonlySet<string>,
  tier: Tier,
): readonly CatalogModel[] {
  let all: readonly CatalogModel[] = ctx.catalog.models;
  for (const provider of byok) {
    const extra = ctx.catalog.keyOnly.get(provider);
    if (extra) all = [...all, ...extra];
  }
  if (recorded.candidates.length >= RECORDED_LIMIT) return all;
  const pinned = isModelAlias(recorded.requestedModel) ? undefined : pinnedIn(all, recorded.requestedModel);
  const filters: FilterContext = {
    pinnedModelId: pinned?.id,
    powerLevel: recorded.powerLevel,
    tier,
    needs: recorded.needs,
    maxPrice: Number(ctx.recordedPolicy.levels[recorded.powerLevel].maxPricePer1k),
  };
  const seen = recorded.candidates;
  return all.filter((m) => !isEligible(m, filters) || seen.some((c) => c.modelId === m.id));
}

const pinnedIn = (models: readonly CatalogModel[], name: string): CatalogModel | undefined =>
  models.find((m) => m.id === name) ?? models.find((m) => m.upstreamModel === name);

/**
 * Replays one recorded request under a draft policy (pure: no upstream call, nothing written): ranks
 * it with the routing's own rankRoute (chains, balancing drawn from the same request id, preference
 * and BYOK bonuses), against the catalog and the health it saw, then prices its recorded token counts
 * at the first candidate's prices and charges them under `ctx.billing`.
 *
 * Only the first candidate is served: no fallback is simulated (an upstream failure cannot be
 * replayed), so a request that fell back is priced at the model it would have tried first. A
 * request that failed or never finished has no tokens: both sides cost nothing.
 */
export function replayRequest(recorded: RecordedRequest, ctx: ReplayContext): ReplayedRequest {
  const tier = recorded.tier ?? ctx.defaultTier ?? 'free';
  const powerLevel = ctx.powerLevel ?? recorded.powerLevel;
  const byok = byokProvidersOf(recorded);
  const models = routableModels(recorded, ctx, byok, tier);
  const alias = isModelAlias(recorded.requestedModel);
  const pinned = alias ? undefined : pinnedIn(models, recorded.requestedModel);
  const health = recordedHealth(recorded, ctx.recordedPolicy.levels[recorded.powerLevel].latencyBoundMs);
  const load = recordedLoad(recorded);
  const route =
    !alias && !pinned
      ? { candidates: [] }
      : rankRoute({
          models,
          policy: ctx.policy,
          powerLevel,
          tier,
          needs: recorded.needs,
          health,
          byokProviders: byok,
          ...(pinned && { pinnedModelId: pinned.id }),
          ...(load && { load }),
          requestId: recorded.requestId,
          ...(recorded.useCase !== undefined && { useCase: recorded.useCase }),
        });
  const first = route.candidates[0];
  const served = recorded.outcome === 'completed' || recorded.outcome === 'interrupted';
  let costMicros = 0n;
  let chargeMicros = 0n;
  if (first && served) {
    const model = models.find((m) => m.id === first.modelId)!;
    costMicros = priceUsage(model.prices, recorded.usage).totalMicros;
    chargeMicros = chargeFor(
      costMicros,
      { powerLevel, tier, keySource: first.byok ? 'byok' : 'platform' },
      ctx.billing,
    );
  }
  const keep = ctx.keepCandidates ?? 3;
  const top = (candidates: readonly CandidateRecord[]): CandidateRecord[] =>
    candidates
      .slice(0, keep)
      .map((c) => ({ modelId: c.modelId, provider: c.provider, score: c.score, components: c.components }));
  return {
    requestId: recorded.requestId,
    userId: recorded.userId,
    at: recorded.at,
    before: {
      modelId: recorded.servedModelId,
      provider: recorded.servedProvider,
      costMicros: recorded.providerCostMicros,
      chargeMicros: recorded.chargedMicros,
      candidates: top(recorded.candidates),
      ...(recorded.chain && { chain: recorded.chain }),
      ...(recorded.balancing && { balancing: recorded.balancing }),
    },
    after: {
      modelId: first?.modelId ?? null,
      provider: first?.provider ?? null,
      costMicros,
      chargeMicros,
      candidates: top(route.candidates),
      ...(route.chain && { chain: route.chain }),
      ...(route.balancing && { balancing: route.balancing }),
    },
    changedModel: first !== undefined && first.modelId !== recorded.chosenModelId,
    changedProvider: first !== undefined && first.provider !== recorded.chosenProvider,
    noCandidate: first === undefined,
  };
}
