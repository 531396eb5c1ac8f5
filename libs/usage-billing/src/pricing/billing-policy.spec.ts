import { ConcurrencyError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import { chargeFor, DEFAULT_BILLING_POLICY, type BillingPolicy } from './billing-policy';
import {
  billingPolicyDecider,
  billingPolicyToData,
  type ChangeBillingPolicy,
} from './billing-policy.decider';
import type { BillingPolicyChanged } from './billing-policy.events';

const at = new Date('2026-12-01T12:00:00.000Z');

describe('chargeFor', () => {
  const charge = (
    cost: bigint,
    over: Partial<Parameters<typeof chargeFor>[1]> = {},
    p = DEFAULT_BILLING_POLICY,
  ) => chargeFor(cost, { powerLevel: 'precision', tier: 'free', keySource: 'platform', ...over }, p);

  it('is cost × power-level multiplier × (1 + tier markup) with the product defaults', () => {
    expect(charge(1_000_000n)).toBe(1_000_000n); // precision 1.0, free 0 %
    expect(charge(1_000_000n, { powerLevel: 'balanced' })).toBe(250_000n);
    expect(charge(1_000_000n, { powerLevel: 'eco' })).toBe(100_000n);
    expect(charge(1_000_000n, { tier: 'starter' })).toBe(1_400_000n);
    expect(charge(1_000_000n, { tier: 'professional', powerLevel: 'balanced' })).toBe(400_000n);
    expect(charge(1_000_000n, { tier: 'enterprise', powerLevel: 'eco' })).toBe(180_000n);
  });

  it('is the BYOK fee × cost when the caller’s own key paid, whatever the level and tier', () => {
    expect(charge(1_000_000n, { keySource: 'byok' })).toBe(100_000n);
    expect(charge(1_000_000n, { keySource: 'byok', tier: 'enterprise', powerLevel: 'eco' })).toBe(100_000n);
  });

  it('rounds once, half up, to a whole micro-dollar', () => {
    expect(charge(3n, { powerLevel: 'eco' })).toBe(0n); // 0.3
    expect(charge(5n, { powerLevel: 'eco' })).toBe(1n); // 0.5
    expect(charge(7n, { powerLevel: 'balanced', tier: 'starter' })).toBe(2n); // 7 × 0.25 × 1.4 = 2.45
    expect(charge(0n)).toBe(0n);
  });
});

describe('billing policy decider', () => {
  const given = deciderSpec(billingPolicyDecider);
  const change = (
    changes: ChangeBillingPolicy['data']['changes'],
    expectedVersion?: number,
  ): ChangeBillingPolicy => ({
    type: 'ChangeBillingPolicy',
    data: { changes, changedBy: 'admin', expectedVersion },
    metadata: { now: at },
  });
  const changed = (version: number, policy: BillingPolicy): BillingPolicyChanged => ({
    type: 'BillingPolicyChanged',
    data: { version, policy: billingPolicyToData(policy), changedBy: 'admin', changedAt: at.toISOString() },
  });

  it('changes only the fields given, as a whole new version', () =>
    given([])
      .when(change({ tierMarkupBps: { starter: 5_000 }, byokFeeBps: 500 }))
      .then([
        changed(1, {
          ...DEFAULT_BILLING_POLICY,
          tierMarkupBps: { ...DEFAULT_BILLING_POLICY.tierMarkupBps, starter: 5_000 },
          byokFeeBps: 500,
        }),
      ]));

  it('records nothing for a change that changes nothing', () =>
    given([])
      .when(change({ byokFeeBps: 1_000, powerLevelMultiplierBps: { eco: 1_000 } }))
      .then([]));

  it('replaces the credit packages as a list', () => {
    const packages = [{ id: 'starter-pack', priceMicros: '5000000', credits: 5_000 }];
    given([changed(1, DEFAULT_BILLING_POLICY)])
      .when(change({ creditPackages: packages }))
      .thenState({
        version: 2,
        policy: {
          ...DEFAULT_BILLING_POLICY,
          creditPackages: [{ id: 'starter-pack', priceMicros: 5_000_000n, credits: 5_000 }],
        },
      });
  });

  it('refuses a stale version (If-Match)', () =>
    given([changed(1, DEFAULT_BILLING_POLICY)])
      .when(change({ byokFeeBps: 0 }, 0))
      .thenThrows(ConcurrencyError, 'BILLING.POLICY_VERSION_MISMATCH'));

  it.each<[string, ChangeBillingPolicy['data']['changes']]>([
    ['powerLevelMultiplierBps.turbo', { powerLevelMultiplierBps: { turbo: 1 } as never }],
    ['powerLevelMultiplierBps.eco', { powerLevelMultiplierBps: { eco: 1.5 } }],
    ['tierMarkupBps.pro', { tierMarkupBps: { pro: 1 } as never }],
    ['tierMarkupBps.free', { tierMarkupBps: { free: -1 } }],
    ['byokFeeBps', { byokFeeBps: 10_001 }],
    ['microsPerCredit', { microsPerCredit: '0' }],
    ['microsPerCredit', { microsPerCredit: 1000 as never }],
    ['creditPackages[0].priceMicros', { creditPackages: [{ id: 'a', priceMicros: '1.5', credits: 1 }] }],
    [
      'creditPackages[1].id',
      {
        creditPackages: [
          { id: 'a', priceMicros: '1', credits: 1 },
          { id: 'a', priceMicros: '1', credits: 1 },
        ],
      },
    ],
    ['creditPackages[0].credits', { creditPackages: [{ id: 'a', priceMicros: '1', credits: 0 }] }],
  ])('refuses a bad %s with a 400 naming it', (param, changes) => {
    let thrown: unknown;
    try {
      billingPolicyDecider.decide(change(changes), billingPolicyDecider.initialState());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ code: 'BILLING.INVALID_POLICY', details: { param } });
  });
});
