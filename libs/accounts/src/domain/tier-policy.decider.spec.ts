import { ConcurrencyError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import { DEFAULT_TIER_POLICY, type TierPolicy } from './tier-policy';
import { tierPolicyDecider, type ChangeTierPolicy } from './tier-policy.decider';
import type { TierPolicyEvent } from './tier-policy.events';

const now = new Date('2026-12-01T12:00:00.000Z');
const given = deciderSpec(tierPolicyDecider);
const change = (policy: TierPolicy, expectedVersion?: number): ChangeTierPolicy => ({
  type: 'ChangeTierPolicy',
  data: { policy, changedBy: 'admin1', ...(expectedVersion !== undefined && { expectedVersion }) },
  metadata: { now },
});
const freeGetsBalanced: TierPolicy = {
  ...DEFAULT_TIER_POLICY,
  free: { powerLevels: ['balanced', 'eco'], byok: { allowed: false, keysPerProvider: 0 } },
};
const changed: TierPolicyEvent = {
  type: 'TierPolicyChanged',
  data: {
    version: 1,
    tiers: {
      free: { powerLevels: ['eco', 'balanced'], byok: { allowed: false, keysPerProvider: 0 } },
      starter: { powerLevels: ['eco', 'balanced'], byok: { allowed: true, keysPerProvider: 1 } },
      professional: {
        powerLevels: ['eco', 'balanced', 'precision'],
        byok: { allowed: true, keysPerProvider: 5 },
      },
      enterprise: {
        powerLevels: ['eco', 'balanced', 'precision'],
        byok: { allowed: true, keysPerProvider: 20 },
      },
    },
    changedBy: 'admin1',
    changedAt: now.toISOString(),
  },
};

describe('tier policy decider', () => {
  it('starts at the defaults, version 0', () => given([]).when(change(DEFAULT_TIER_POLICY)).then([]));
  it('records a change as a new version, power levels in canonical order', () =>
    given([]).when(change(freeGetsBalanced)).then([changed]));
  it('folds to the changed policy', () =>
    given([])
      .when(change(freeGetsBalanced))
      .thenState({ version: 1, policy: { ...freeGetsBalanced, free: changed.data.tiers.free } }));
  it('the same policy again is no change', () => given([changed]).when(change(freeGetsBalanced)).then([]));
  it('a stale If-Match is a concurrency error', () =>
    given([changed])
      .when(change(DEFAULT_TIER_POLICY, 0))
      .thenThrows(ConcurrencyError, 'ACCOUNTS.TIER_POLICY_VERSION_MISMATCH'));
  it.each<[string, TierPolicy]>([
    [
      'no power level',
      { ...DEFAULT_TIER_POLICY, free: { powerLevels: [], byok: { allowed: false, keysPerProvider: 0 } } },
    ],
    [
      'an unknown power level',
      {
        ...DEFAULT_TIER_POLICY,
        free: { powerLevels: ['turbo' as never], byok: { allowed: false, keysPerProvider: 0 } },
      },
    ],
    [
      'BYOK allowed with no keys',
      { ...DEFAULT_TIER_POLICY, free: { powerLevels: ['eco'], byok: { allowed: true, keysPerProvider: 0 } } },
    ],
    [
      'keys without BYOK',
      {
        ...DEFAULT_TIER_POLICY,
        free: { powerLevels: ['eco'], byok: { allowed: false, keysPerProvider: 2 } },
      },
    ],
    [
      'too many keys',
      {
        ...DEFAULT_TIER_POLICY,
        free: { powerLevels: ['eco'], byok: { allowed: true, keysPerProvider: 101 } },
      },
    ],
    [
      'a fraction of a key',
      {
        ...DEFAULT_TIER_POLICY,
        free: { powerLevels: ['eco'], byok: { allowed: true, keysPerProvider: 1.5 } },
      },
    ],
  ])('refuses %s', (_what, policy) =>
    given([]).when(change(policy)).thenThrows(ValidationError, 'ACCOUNTS.INVALID_TIER_POLICY'),
  );
});
