import {
  ConcurrencyError,
  POWER_LEVELS,
  ValidationError,
  type Decider,
  type PowerLevel,
} from '@gw/shared-kernel';
import {
  DEFAULT_ROUTING_POLICY,
  FALLBACK_REASONS,
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
});

/**
 * Upcast: a level recorded before strategy presets has no `strategy`; its weights were given
 * explicitly, so it reads as `custom` with those weights.
 */
export const fromPolicyData = (data: PowerLevelPolicyData): PowerLevelPolicy => ({
  strategy: data.strategy ?? 'custom',
  weights: data.weights,
  maxPricePer1k: BigInt(data.maxPricePer1kMicros),
  latencyBoundMs: data.latencyBoundMs,
  preferredProviders: data.preferredProviders,
});

/**
 * Reads any stored RoutingPolicyChanged. Upcast: events written before configurable fallback reasons
 * have no `fallbackOn` and read as every reason, which is how the gateway behaved when they were
 * written (levels without `strategy` are upcast by fromPolicyData).
 */
export const policyFromEvent = (e: RoutingPolicyChanged['data']): RoutingPolicy => ({
  version: e.version,
  levels: {
    eco: fromPolicyData(e.levels.eco),
    balanced: fromPolicyData(e.levels.balanced),
    precision: fromPolicyData(e.levels.precision),
  },
  maxAttempts: e.maxAttempts,
  attemptTimeoutMs: e.attemptTimeoutMs,
  byokBonus: e.byokBonus,
  fallbackOn: e.fallbackOn ?? FALLBACK_REASONS,
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
  }
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
          changedBy,
          changedAt: command.metadata.now.toISOString(),
        },
      },
    ];
  },
};
