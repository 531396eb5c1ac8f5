import type {
  BillingPolicyVersion,
  BillingPolicyView,
  RateLimitsVersion,
  RateLimitsView,
  TierPolicyVersion,
  TierPolicyView,
} from './tiers-api';

/** Test data in the API's shapes (specs only). */
export const tierPolicy = (version = 1): TierPolicyView => ({
  version,
  tiers: {
    free: { powerLevels: ['eco'], byok: { allowed: false, keysPerProvider: 0 } },
    starter: { powerLevels: ['eco', 'balanced'], byok: { allowed: true, keysPerProvider: 1 } },
    professional: {
      powerLevels: ['eco', 'balanced', 'precision'],
      byok: { allowed: true, keysPerProvider: 3 },
    },
    enterprise: {
      powerLevels: ['eco', 'balanced', 'precision'],
      byok: { allowed: true, keysPerProvider: 10 },
    },
  },
});

const change = (version: number) => ({
  version,
  changedBy: 'u-admin',
  changedByName: 'Administrator',
  changedAt: `2026-12-0${version}T10:00:00.000Z`,
});

/** Version 0, the product defaults: nobody changed it. */
const defaults = { version: 0, changedBy: null, changedByName: null, changedAt: null };

export const tierHistory = (): { versions: TierPolicyVersion[] } => ({
  versions: [
    { ...change(1), tiers: tierPolicy().tiers },
    { ...defaults, tiers: { ...tierPolicy().tiers, professional: tierPolicy().tiers.enterprise } },
  ],
});

export const rateLimits = (version = 2, starterRpm = 30): RateLimitsView => ({
  version,
  tiers: {
    free: { rpm: 10, rph: 100, rpd: 500, tpm: 10_000 },
    starter: { rpm: starterRpm, rph: 1_000, rpd: 10_000, tpm: 100_000 },
    professional: { rpm: 100, rph: 5_000, rpd: 50_000, tpm: 500_000 },
    enterprise: { rpm: 500, rph: 20_000, rpd: null, tpm: 2_000_000 },
  },
});

export const limitsHistory = (): { versions: RateLimitsVersion[] } => ({
  versions: [
    { ...change(1), tiers: rateLimits(1, 20).tiers },
    { ...change(2), tiers: rateLimits(2, 30).tiers },
    { ...defaults, tiers: rateLimits(0, 30).tiers },
  ],
});

export const billingPolicy = (version = 0): BillingPolicyView => ({
  version,
  powerLevelMultiplierBps: { eco: 1000, balanced: 10000, precision: 15000 },
  tierMarkupBps: { free: 0, starter: 4000, professional: 2500, enterprise: 1000 },
  byokFeeBps: 1000,
  creditPackages: [
    { id: 'small', priceMicros: '5000000', credits: 5000 },
    { id: 'large', priceMicros: '20000000', credits: 22000 },
  ],
  microsPerCredit: '1000',
  signupCreditsMicros: '1000000',
});

export const billingHistory = (): { versions: BillingPolicyVersion[] } => ({
  versions: [{ ...defaults, ...billingPolicy() }],
});
