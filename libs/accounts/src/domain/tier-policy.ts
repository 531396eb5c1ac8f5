import { ForbiddenError, POWER_LEVELS, type PowerLevel, type Tier } from '@gw/shared-kernel';

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

/** 403 that names the lowest tier whose rules allow it (the caller knows what to upgrade to). */
export function notUnlockedByTier(
  policy: TierPolicy,
  tier: Tier,
  what: string,
  test: (rules: TierRules) => boolean,
  code = 'ACCOUNTS.NOT_ALLOWED_BY_TIER',
  param?: string,
): ForbiddenError {
  const unlocking = lowestTierWhere(policy, test);
  return new ForbiddenError(
    code,
    unlocking
      ? `The ${tier} tier does not include ${what}; the ${unlocking} tier unlocks it.`
      : `The ${tier} tier does not include ${what}, and no tier does at the moment.`,
    { tier, requiredTier: unlocking ?? null, ...(param === undefined ? {} : { param }) },
  );
}

/** Where a request named its power level (the `param` a refusal points at). */
export type PowerLevelSource = 'X-Power-Level' | 'model' | 'power_level';

/**
 * The power level one request runs at. A level the request names (header, alias model, body field)
 * must be one the caller's tier allows: otherwise a 403 naming the tier that unlocks it, never a
 * silent downgrade the caller would pay for without knowing. The account's own level is used as
 * the tier now allows it (an admin may have narrowed the tier since it was chosen).
 */
export function powerLevelForRequest(
  policy: TierPolicy,
  tier: Tier,
  accountLevel: PowerLevel,
  requested?: { readonly level: PowerLevel; readonly source: PowerLevelSource },
): PowerLevel {
  if (requested === undefined) return fittingPowerLevel(policy, tier, accountLevel);
  const { level, source } = requested;
  if (policy[tier].powerLevels.includes(level)) return level;
  throw notUnlockedByTier(
    policy,
    tier,
    `the ${level} power level`,
    (r) => r.powerLevels.includes(level),
    'ACCOUNTS.POWER_LEVEL_NOT_ALLOWED',
    source,
  );
}
