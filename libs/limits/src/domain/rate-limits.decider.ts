import { ConcurrencyError, TIERS, ValidationError, type Decider, type Tier } from '@gw/shared-kernel';
import {
  DEFAULT_RATE_LIMITS,
  isLimitDimension,
  isTierName,
  LIMIT_DIMENSIONS,
  type RateLimitPolicy,
  type WindowLimits,
} from './rate-limits';
import type { RateLimitPolicyEvent, WindowLimitsData } from './rate-limits.events';

/**
 * Changes only the tiers and fields it gives (`{free: {rpm: 3}}`); null = unlimited. The patch is
 * as the client sent it: the decider checks it (unknown tiers or fields, values that are not
 * non-negative integers or null are a 400 naming the field).
 */
export interface ChangeRateLimits {
  readonly type: 'ChangeRateLimits';
  readonly data: {
    readonly patch: unknown;
    readonly changedBy: string;
    /** When given, the change applies only to this version (If-Match). */
    readonly expectedVersion?: number;
  };
  readonly metadata: { readonly now: Date };
}

/** Version 0 = the product defaults (DEFAULT_RATE_LIMITS), never changed. */
export interface RateLimitPolicyState {
  readonly version: number;
  readonly policy: RateLimitPolicy;
}

const invalid = (param: string, message: string): never => {
  throw new ValidationError('LIMITS.INVALID_RATE_LIMITS', message, { param });
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The policy with the patch applied, every field checked. */
export function applyRateLimitsPatch(policy: RateLimitPolicy, patch: unknown): RateLimitPolicy {
  if (!isPlainObject(patch)) return invalid('tiers', 'tiers must be an object of tiers');
  const next: Record<Tier, WindowLimits> = { ...policy };
  for (const [tier, fields] of Object.entries(patch)) {
    if (!isTierName(tier)) invalid(`tiers.${tier}`, `tiers.${tier} is not a tier (${TIERS.join(', ')})`);
    if (!isPlainObject(fields)) return invalid(`tiers.${tier}`, `tiers.${tier} must be an object`);
    const limits: Record<string, number | null> = { ...policy[tier as Tier] };
    for (const [field, value] of Object.entries(fields)) {
      const param = `tiers.${tier}.${field}`;
      if (!isLimitDimension(field))
        invalid(param, `${param} is not a limit (${LIMIT_DIMENSIONS.join(', ')})`);
      if (value !== null && !(Number.isSafeInteger(value) && (value as number) >= 0))
        invalid(param, `${param} must be a non-negative integer, or null for unlimited`);
      limits[field] = value as number | null;
    }
    next[tier as Tier] = limits as WindowLimits;
  }
  return next;
}

/** The policy as an event carries it, in canonical field order. */
export const rateLimitsData = (policy: RateLimitPolicy): Record<Tier, WindowLimitsData> =>
  Object.fromEntries(
    TIERS.map((t) => [t, Object.fromEntries(LIMIT_DIMENSIONS.map((d) => [d, policy[t][d]]))]),
  ) as Record<Tier, WindowLimitsData>;

/** A recorded version as a policy (a tier an older event lacks keeps its default). */
export const rateLimitsFromEvent = (tiers: Partial<Record<Tier, WindowLimitsData>>): RateLimitPolicy =>
  Object.fromEntries(
    TIERS.map((t) => [t, { ...DEFAULT_RATE_LIMITS[t], ...tiers[t] }]),
  ) as unknown as RateLimitPolicy;

export const rateLimitsDecider: Decider<ChangeRateLimits, RateLimitPolicyEvent, RateLimitPolicyState> = {
  initialState: () => ({ version: 0, policy: DEFAULT_RATE_LIMITS }),
  evolve: (_state, event) => ({ version: event.data.version, policy: rateLimitsFromEvent(event.data.tiers) }),
  decide: (command, state) => {
    const { expectedVersion, changedBy, patch } = command.data;
    if (expectedVersion !== undefined && expectedVersion !== state.version)
      throw new ConcurrencyError(
        'LIMITS.RATE_LIMITS_VERSION_MISMATCH',
        `The rate limits are at version ${state.version}, not ${expectedVersion}: reload them and try again`,
      );
    const tiers = rateLimitsData(applyRateLimitsPatch(state.policy, patch));
    if (JSON.stringify(tiers) === JSON.stringify(rateLimitsData(state.policy))) return [];
    return [
      {
        type: 'RateLimitsChanged',
        data: { version: state.version + 1, tiers, changedBy, changedAt: command.metadata.now.toISOString() },
      },
    ];
  },
};
