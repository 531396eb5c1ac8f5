import type { DomainEvent, PowerLevel, Tier } from '@gw/shared-kernel';

/** One stream holds the tier policy's history; each change is a new whole version. */
export const TIER_POLICY_STREAM = 'tier-policy';

export interface TierRulesData {
  powerLevels: PowerLevel[];
  byok: { allowed: boolean; keysPerProvider: number };
}

export type TierPolicyChanged = DomainEvent<
  'TierPolicyChanged',
  { version: number; tiers: Record<Tier, TierRulesData>; changedBy: string; changedAt: string }
>;

export type TierPolicyEvent = TierPolicyChanged;

export const TIER_POLICY_EVENT_TYPES: ReadonlySet<string> = new Set<TierPolicyEvent['type']>([
  'TierPolicyChanged',
]);
