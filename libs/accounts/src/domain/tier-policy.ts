import { POWER_LEVELS, type PowerLevel, type Tier } from '@gw/shared-kernel';

/** What one tier may do: which power levels, and whether (and how many) own provider keys. */
export interface TierRules {
  readonly powerLevels: readonly PowerLevel[];
  readonly byok: {
    readonly allowed: boolean;
    /** Keys per provider (tried in their priority order); 0 when BYOK is not allowed. */
    readonly keysPerProvider: number;
  };
}

/** Per tier; admin-editable as events (the accounts context folds them), these are the defaults. */
export type TierPolicy = Readonly<Record<Tier, TierRules>>;

export const DEFAULT_TIER_POLICY: TierPolicy = {
  free: { powerLevels: ['eco'], byok: { allowed: false, keysPerProvider: 0 } },
  starter: { powerLevels: ['eco', 'balanced'], byok: { allowed: true, keysPerProvider: 1 } },
  professional: {
    powerLevels: ['eco', 'balanced', 'precision'],
    byok: { allowed: true, keysPerProvider: 5 },
  },
  enterprise: {
    powerLevels: ['eco', 'balanced', 'precision'],
    byok: { allowed: true, keysPerProvider: 20 },
  },
};

/** The lowest tier whose rules pass `test` (e.g. the tier that unlocks BYOK), for error messages. */
export const lowestTierWhere = (policy: TierPolicy, test: (rules: TierRules) => boolean): Tier | undefined =>
  (['free', 'starter', 'professional', 'enterprise'] as const).find((t) => test(policy[t]));

/**
 * The power level a tier lets an account keep: `wanted` when allowed, else the highest allowed level
 * below it, else the tier's lowest (a downgrade from professional to starter turns precision into balanced).
 */
export const fittingPowerLevel = (policy: TierPolicy, tier: Tier, wanted: PowerLevel): PowerLevel => {
  const allowed = policy[tier].powerLevels;
  if (allowed.includes(wanted)) return wanted;
  const order = POWER_LEVELS.indexOf(wanted);
  const below = POWER_LEVELS.filter((l, i) => i < order && allowed.includes(l));
  return below[below.length - 1] ?? POWER_LEVELS.find((l) => allowed.includes(l)) ?? wanted;
};
