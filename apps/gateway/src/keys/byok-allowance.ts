import { lowestTierWhere, type TierPolicy } from '@gw/accounts';
import type { ByokAllowance } from '@gw/keys';
import type { Tier } from '@gw/shared-kernel';

/**
 * What a tier may do with its own provider keys under the tier policy in force (the access
 * directory's, admin-editable), and which tier unlocks BYOK (for the 403).
 */
export function byokAllowance(tier: Tier, policy: TierPolicy): ByokAllowance {
  const rules = policy[tier].byok;
  return {
    allowed: rules.allowed,
    keysPerProvider: rules.allowed ? rules.keysPerProvider : 0,
    unlockedBy: lowestTierWhere(policy, (r) => r.byok.allowed),
    tier,
  };
}
