import { DEFAULT_TIER_POLICY, lowestTierWhere, type TierPolicy } from '@gw/accounts';
import type { ByokAllowance } from '@gw/keys';
import type { Tier } from '@gw/shared-kernel';

/**
 * The tier rules BYOK reads. One function, so that it can follow the admin-editable policy once the
 * accounts context keeps it in memory; until then the defaults.
 */
export const currentTierPolicy = (): TierPolicy => DEFAULT_TIER_POLICY;

/** What a tier may do with its own provider keys, and which tier unlocks BYOK (for the 403). */
export function byokAllowance(tier: Tier, policy: TierPolicy = currentTierPolicy()): ByokAllowance {
  const rules = policy[tier].byok;
  return {
    allowed: rules.allowed,
    keysPerProvider: rules.allowed ? rules.keysPerProvider : 0,
    unlockedBy: lowestTierWhere(policy, (r) => r.byok.allowed),
    tier,
  };
}
