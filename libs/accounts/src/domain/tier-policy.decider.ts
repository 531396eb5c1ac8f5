import {
  ConcurrencyError,
  isPowerLevel,
  POWER_LEVELS,
  TIERS,
  ValidationError,
  type Decider,
  type Tier,
} from '@gw/shared-kernel';
import { DEFAULT_TIER_POLICY, type TierPolicy, type TierRules } from './tier-policy';
import type { TierPolicyEvent, TierRulesData } from './tier-policy.events';

/** Keys per provider a tier may allow at most. */
export const MAX_KEYS_PER_PROVIDER = 100;

export interface ChangeTierPolicy {
  readonly type: 'ChangeTierPolicy';
  readonly data: {
    readonly policy: TierPolicy;
    readonly changedBy: string;
    /** When given, the change applies only to this version (If-Match). */
    readonly expectedVersion?: number;
  };
  readonly metadata: { readonly now: Date };
}

/** Version 0 = the product defaults (DEFAULT_TIER_POLICY), never changed. */
export interface TierPolicyState {
  readonly version: number;
  readonly policy: TierPolicy;
}

export const tierPolicyFromEvent = (tiers: Record<Tier, TierRulesData>): TierPolicy =>
  Object.fromEntries(TIERS.map((t): [Tier, TierRules] => [t, tiers[t] ?? DEFAULT_TIER_POLICY[t]])) as Record<
    Tier,
    TierRules
  >;

const invalid = (param: string, message: string): never => {
  throw new ValidationError('ACCOUNTS.INVALID_TIER_POLICY', message, { param });
};

/** Checks every tier's rules and returns them in canonical form (power levels in their order). */
function normalised(policy: TierPolicy): Record<Tier, TierRulesData> {
  const out = {} as Record<Tier, TierRulesData>;
  for (const tier of TIERS) {
    const rules = policy[tier];
    if (!rules) return invalid(`tiers.${tier}`, `tiers.${tier} is missing: give the rules of every tier`);
    if (rules.powerLevels.length === 0 || !rules.powerLevels.every(isPowerLevel))
      invalid(
        `tiers.${tier}.powerLevels`,
        `tiers.${tier}.powerLevels must list one or more of eco, balanced, precision`,
      );
    const { allowed, keysPerProvider } = rules.byok;
    if (!Number.isInteger(keysPerProvider) || keysPerProvider < 0 || keysPerProvider > MAX_KEYS_PER_PROVIDER)
      invalid(
        `tiers.${tier}.byok.keysPerProvider`,
        `tiers.${tier}.byok.keysPerProvider must be an integer from 0 to ${MAX_KEYS_PER_PROVIDER}`,
      );
    if (allowed !== keysPerProvider > 0)
      invalid(
        `tiers.${tier}.byok.keysPerProvider`,
        `tiers.${tier}.byok.keysPerProvider must be 1 or more when BYOK is allowed and 0 when it is not`,
      );
    out[tier] = {
      powerLevels: POWER_LEVELS.filter((l) => rules.powerLevels.includes(l)),
      byok: { allowed, keysPerProvider },
    };
  }
  return out;
}

export const tierPolicyDecider: Decider<ChangeTierPolicy, TierPolicyEvent, TierPolicyState> = {
  initialState: () => ({ version: 0, policy: DEFAULT_TIER_POLICY }),
  evolve: (_state, event) => ({ version: event.data.version, policy: tierPolicyFromEvent(event.data.tiers) }),
  decide: (command, state) => {
    const { expectedVersion, changedBy } = command.data;
    if (expectedVersion !== undefined && expectedVersion !== state.version)
      throw new ConcurrencyError(
        'ACCOUNTS.TIER_POLICY_VERSION_MISMATCH',
        `The tier policy is at version ${state.version}, not ${expectedVersion}: reload it and try again`,
      );
    const tiers = normalised(command.data.policy);
    if (JSON.stringify(tiers) === JSON.stringify(normalised(state.policy))) return [];
    return [
      {
        type: 'TierPolicyChanged',
        data: { version: state.version + 1, tiers, changedBy, changedAt: command.metadata.now.toISOString() },
      },
    ];
  },
};
