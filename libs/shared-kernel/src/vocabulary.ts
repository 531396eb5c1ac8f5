/** Words every context uses. */
export type PowerLevel = 'eco' | 'balanced' | 'precision';
export type Tier = 'free' | 'pro' | 'enterprise';
export type Role = 'user' | 'admin';

export const POWER_LEVELS: readonly PowerLevel[] = ['eco', 'balanced', 'precision'];
export const TIERS: readonly Tier[] = ['free', 'pro', 'enterprise'];

export const isPowerLevel = (v: unknown): v is PowerLevel => POWER_LEVELS.includes(v as PowerLevel);

const TIER_ORDER: Record<Tier, number> = { free: 0, pro: 1, enterprise: 2 };
export const tierAllows = (tier: Tier, minTier: Tier): boolean => TIER_ORDER[tier] >= TIER_ORDER[minTier];
