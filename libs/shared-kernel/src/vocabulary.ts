/** Words every context uses. */
export type PowerLevel = 'eco' | 'balanced' | 'precision';
export type Tier = 'free' | 'starter' | 'professional' | 'enterprise';
export type Role = 'user' | 'admin' | 'auditor';

export const POWER_LEVELS: readonly PowerLevel[] = ['eco', 'balanced', 'precision'];
export const TIERS: readonly Tier[] = ['free', 'starter', 'professional', 'enterprise'];
export const ROLES: readonly Role[] = ['user', 'admin', 'auditor'];

export const isPowerLevel = (v: unknown): v is PowerLevel => POWER_LEVELS.includes(v as PowerLevel);
export const isTier = (v: unknown): v is Tier => TIERS.includes(v as Tier);
export const isRole = (v: unknown): v is Role => ROLES.includes(v as Role);

const TIER_ORDER: Record<Tier, number> = { free: 0, starter: 1, professional: 2, enterprise: 3 };
export const tierAllows = (tier: Tier, minTier: Tier): boolean => TIER_ORDER[tier] >= TIER_ORDER[minTier];

/**
 * Tier names that earlier events used: `pro` became `professional`, and the rate-limit table's
 * `trial` is `free`. Events are never edited; readers upcast through this when they fold them.
 */
const LEGACY_TIERS: Readonly<Record<string, Tier>> = { pro: 'professional', trial: 'free' };

/** A tier as an event recorded it, in today's vocabulary (unknown names are kept for the caller to refuse). */
export const upcastTier = (recorded: string): Tier => (LEGACY_TIERS[recorded] ?? recorded) as Tier;
