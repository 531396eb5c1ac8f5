import {
  ConcurrencyError,
  POWER_LEVELS,
  ValidationError,
  type Decider,
  type PowerLevel,
} from '@gw/shared-kernel';
import {
  DEFAULT_BALANCING,
  DEFAULT_PREFERENCE_BONUS,
  DEFAULT_ROUTING_POLICY,
  FALLBACK_REASONS,
  ROUTING_POLICY_LIMITS,
  isFallbackReason,
  isPresetStrategy,
  ROUTING_STRATEGIES,
  STRATEGY_PRESETS,
  type PowerLevelPolicy,
  type RoutingPolicy,
  type RoutingWeights,
} from './routing-policy';
import type { PowerLevelPolicyData, RoutingPolicyChanged, RoutingPolicyEvent } from './routing-policy.events';

export interface ChangeRoutingPolicy {
  readonly type: 'ChangeRoutingPolicy';
  readonly data: {
    readonly policy: Omit<RoutingPolicy, 'version'>;
    readonly changedBy: string;
    /** When given, the change applies only to this version (optimistic concurrency from If-Match). */
    readonly expectedVersion?: number;
  };
  readonly metadata: { readonly now: Date };
}

/** State: the policy in force (version 0 = the product defaults, never changed). */
export type RoutingPolicyState = RoutingPolicy;

export const toPolicyData = (level: PowerLevelPolicy): PowerLevelPolicyData => ({
  strategy: level.strategy,
  weights: level.weights,
  maxPricePer1kMicros: level.maxPricePer1k.toString(),
  latencyBoundMs: level.latencyBoundMs,
  preferredProviders: level.preferredProviders,
  latencyCapMs: level.latencyCapMs,
  chain: level.chain,
});

/**
 * Upcast: a level recorded before strategy presets has no `strategy`; its weights were given
 * explicitly, so it reads as `custom` with those weights.
 */
export const fromPolicyData = (data: PowerLevelPolicyData, attemptTimeoutMs: number): PowerLevelPolicy => ({
  strategy: data.strategy ?? 'custom',
  weights: data.weights,
  maxPricePer1k: BigInt(data.maxPricePer1kMicros),
  latencyBoundMs: data.latencyBoundMs,
  preferredProviders: data.preferredProviders,
  latencyCapMs: data.latencyCapMs ?? attemptTimeoutMs,
  chain: data.chain ?? [],
});

/**
 * Reads any stored RoutingPolicyChanged. Upcast: events written before configurable fallback reasons
 * have no `fallbackOn` and read as every reason, which is how the gateway behaved when they were
 * written (levels without `strategy` are upcast by fromPolicyData).
 */
export const policyFromEvent = (e: RoutingPolicyChanged['data']): RoutingPolicy => ({
  version: e.version,
  levels: {
    eco: fromPolicyData(e.levels.eco, e.attemptTimeoutMs),
    balanced: fromPolicyData(e.levels.balanced, e.attemptTimeoutMs),
    precision: fromPolicyData(e.levels.precision, e.attemptTimeoutMs),
  },
  maxAttempts: e.maxAttempts,
  attemptTimeoutMs: e.attemptTimeoutMs,
  byokBonus: e.byokBonus,
  fallbackOn: e.fallbackOn ?? FALLBACK_REASONS,
  preferenceBonus: e.preferenceBonus ?? DEFAULT_PREFERENCE_BONUS,
  requestDeadlineMs: e.requestDeadlineMs ?? e.maxAttempts * e.attemptTimeoutMs,
  useCases: e.useCases ?? {},
  balancing: e.balancing ?? DEFAULT_BALANCING,
  providerLimits: e.providerLimits ?? {},
});

const invalid = (param: string, message: string): never => {
  throw new ValidationError('ROUTING.INVALID_POLICY', message, { param });
};

const sameWeights = (a: RoutingWeights, b: RoutingWeights): boolean =>
  a.cost === b.cost && a.latency === b.latency && a.quality === b.quality;

/** The decider's checks of a policy (a ValidationError on the first problem); also for drafts (preview). */
export function validateRoutingPolicy(policy: Omit<RoutingPolicy, 'version'>): void {
  for (const level of POWER_LEVELS) {
    const p = policy.levels[level];
    if (!ROUTING_STRATEGIES.includes(p.strategy))
      invalid(
        `levels.${level}.strategy`,
        `levels.${level}.strategy must be one of ${ROUTING_STRATEGIES.join(', ')}`,
      );
    if (isPresetStrategy(p.strategy) && !sameWeights(p.weights, STRATEGY_PRESETS[p.strategy])) {
      const w = STRATEGY_PRESETS[p.strategy];
      invalid(
        `levels.${level}.weights`,
        `levels.${level}.weights: the ${p.strategy} strategy fixes the weights at cost ${w.cost}, ` +
          `latency ${w.latency}, quality ${w.quality}; leave weights out or set strategy to custom`,
      );
    }
    const { cost, latency, quality } = p.weights;
    if ([cost, latency, quality].some((w) => !Number.isFinite(w) || w < 0 || w > 1))
      invalid(`levels.${level}.weights`, `${level}: weights must be between 0 and 1`);
    if (cost + latency + quality <= 0)
      invalid(`levels.${level}.weights`, `${level}: at least one weight must be above 0`);
    if (p.maxPricePer1k < 0n)
      invalid(`levels.${level}.maxPricePer1k`, `${level}: the max price cannot be negative`);
    if (!(p.latencyBoundMs > 0))
      invalid(`levels.${level}.latencyBoundMs`, `${level}: the latency bound must be positive`);
    const cap = ROUTING_POLICY_LIMITS.latencyCapMs;
    if (!Number.isInteger(p.latencyCapMs) || p.latencyCapMs < cap.min || p.latencyCapMs > cap.max)
      invalid(
        `levels.${level}.latencyCapMs`,
        `${level}: latencyCapMs must be an integer from ${cap.min} to ${cap.max.toLocaleString('en-US')}`,
      );
    validateChain(`levels.${level}.chain`, p.chain, true);
  }
  validateDepth(policy);
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1 || policy.maxAttempts > 10)
    invalid('maxAttempts', 'maxAttempts must be an integer from 1 to 10');
  if (
    !Number.isInteger(policy.attemptTimeoutMs) ||
    policy.attemptTimeoutMs < 1_000 ||
    policy.attemptTimeoutMs > 600_000
  )
    invalid('attemptTimeoutMs', 'attemptTimeoutMs must be from 1,000 to 600,000');
  if (!(policy.byokBonus >= 0 && policy.byokBonus <= 1))
    invalid('byokBonus', 'byokBonus must be between 0 and 1');
  const unknown = policy.fallbackOn.find((r) => !isFallbackReason(r));
  if (unknown !== undefined)
    invalid(
      'fallbackOn',
      `fallbackOn may only list ${FALLBACK_REASONS.join(', ')}: a ${String(unknown)} failure never falls back`,
    );
}

/** A fallback chain: up to 10 distinct model ids (empty allowed where the score order is the default). */
function validateChain(param: string, chain: readonly string[], emptyAllowed: boolean): void {
  if (!emptyAllowed && chain.length === 0) invalid(param, `${param} must name at least one model`);
  if (chain.length > ROUTING_POLICY_LIMITS.chainLength)
    invalid(param, `${param} may name at most ${ROUTING_POLICY_LIMITS.chainLength} models`);
  if (chain.some((m) => typeof m !== 'string' || m.length === 0 || m.length > 200))
    invalid(param, `${param} must list model ids`);
  if (new Set(chain).size !== chain.length) invalid(param, `${param} names a model twice`);
}

const positiveInt = (v: unknown, max: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;

/** The routing-depth settings: preference bonus, deadline, use cases, balancing, provider limits. */
function validateDepth(policy: Omit<RoutingPolicy, 'version'>): void {
  const L = ROUTING_POLICY_LIMITS;
  if (!(policy.preferenceBonus >= 0 && policy.preferenceBonus <= 1))
    invalid('preferenceBonus', 'preferenceBonus must be between 0 and 1');
  const deadline = L.requestDeadlineMs;
  if (
    !Number.isInteger(policy.requestDeadlineMs) ||
    policy.requestDeadlineMs < deadline.min ||
    policy.requestDeadlineMs > deadline.max
  )
    invalid(
      'requestDeadlineMs',
      `requestDeadlineMs must be an integer from ${deadline.min.toLocaleString('en-US')} to ${deadline.max.toLocaleString('en-US')}`,
    );
  const useCases = Object.entries(policy.useCases);
  if (useCases.length > L.useCases) invalid('useCases', `useCases may name at most ${L.useCases} use cases`);
  for (const [name, chain] of useCases) {
    if (!L.useCaseName.test(name))
      invalid(
        `useCases.${name}`,
        `use case names are 1–40 lowercase letters, digits, '_', '.' or '-', starting with a letter or digit`,
      );
    validateChain(`useCases.${name}`, chain, false);
  }
  const { balancing } = policy;
  if (!(balancing.bandPercent >= 0 && balancing.bandPercent <= 50))
    invalid('balancing.bandPercent', 'balancing.bandPercent must be between 0 and 50');
  const weights = Object.entries(balancing.weights);
  if (weights.length > L.balancingWeights)
    invalid(
      'balancing.weights',
      `balancing.weights may list at most ${L.balancingWeights} models or providers`,
    );
  for (const [key, w] of weights)
    if (!L.weightKey.test(key))
      invalid(`balancing.weights`, `balancing.weights: "${key.slice(0, 80)}" is not a model or provider id`);
    else if (!(Number.isFinite(w) && w >= 0 && w <= L.maxWeight))
      invalid(`balancing.weights.${key}`, `balancing weights must be between 0 and ${L.maxWeight}`);
  const limits = Object.entries(policy.providerLimits);
  if (limits.length > L.providerLimits)
    invalid('providerLimits', `providerLimits may list at most ${L.providerLimits} providers`);
  for (const [provider, limit] of limits) {
    if (!L.providerId.test(provider))
      invalid('providerLimits', `providerLimits: "${provider.slice(0, 80)}" is not a provider id`);
    if (limit.rpm === undefined && limit.tpm === undefined)
      invalid(`providerLimits.${provider}`, `providerLimits.${provider} needs rpm, tpm or both`);
    for (const key of ['rpm', 'tpm'] as const)
      if (limit[key] !== undefined && !positiveInt(limit[key], L.maxRate))
        invalid(
          `providerLimits.${provider}.${key}`,
          `providerLimits.${provider}.${key} must be a whole number from 1 to ${L.maxRate.toLocaleString('en-US')}`,
        );
  }
}

/** fallbackOn as a set: canonical order, no repeats, so reordering it is not a change. */
const normalised = (policy: Omit<RoutingPolicy, 'version'>): Omit<RoutingPolicy, 'version'> => ({
  ...policy,
  fallbackOn: FALLBACK_REASONS.filter((r) => policy.fallbackOn.includes(r)),
});

const same = (a: Omit<RoutingPolicy, 'version'>, b: Omit<RoutingPolicy, 'version'>): boolean =>
  JSON.stringify(a, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ===
  JSON.stringify(b, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export const routingPolicyDecider: Decider<ChangeRoutingPolicy, RoutingPolicyEvent, RoutingPolicyState> = {
  initialState: () => DEFAULT_ROUTING_POLICY,
  evolve: (_state, event) => policyFromEvent(event.data),
  decide: (command, state) => {
    const { changedBy, expectedVersion } = command.data;
    if (expectedVersion !== undefined && expectedVersion !== state.version) {
      throw new ConcurrencyError(
        'ROUTING.POLICY_VERSION_MISMATCH',
        `The policy is at version ${state.version}, not ${expectedVersion}: reload it and try again`,
      );
    }
    validateRoutingPolicy(command.data.policy);
    const policy = normalised(command.data.policy);
    const { version: _version, ...current } = state;
    if (same(current, policy)) return []; // nothing changes: no new version
    const levels = Object.fromEntries(POWER_LEVELS.map((l) => [l, toPolicyData(policy.levels[l])])) as Record<
      PowerLevel,
      PowerLevelPolicyData
    >;
    return [
      {
        type: 'RoutingPolicyChanged',
        data: {
          version: state.version + 1,
          levels,
          maxAttempts: policy.maxAttempts,
          attemptTimeoutMs: policy.attemptTimeoutMs,
          byokBonus: policy.byokBonus,
          fallbackOn: policy.fallbackOn,
          preferenceBonus: policy.preferenceBonus,
          requestDeadlineMs: policy.requestDeadlineMs,
          useCases: policy.useCases,
          balancing: policy.balancing,
          providerLimits: policy.providerLimits,
          changedBy,
          changedAt: command.metadata.now.toISOString(),
        },
      },
    ];
  },
};
