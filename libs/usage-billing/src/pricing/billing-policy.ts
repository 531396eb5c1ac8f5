import type { Micros, PowerLevel, Tier } from '@gw/shared-kernel';

/** A credit package users can buy: its price and the credits it grants. */
export interface CreditPackage {
  readonly id: string;
  readonly priceMicros: Micros;
  readonly credits: number;
}

/**
 * How provider cost becomes what the caller is charged (basis points: 10,000 = 100 %). Admin-editable
 * as events (stream `billing-policy`); these are the product's defaults (version 0).
 */
export interface BillingPolicy {
  readonly powerLevelMultiplierBps: Readonly<Record<PowerLevel, number>>;
  readonly tierMarkupBps: Readonly<Record<Tier, number>>;
  /** What a request paid with the caller's own provider key is charged, as a share of its cost. */
  readonly byokFeeBps: number;
  readonly creditPackages: readonly CreditPackage[];
  /** What one credit is worth (1 credit = $0.001 by default). */
  readonly microsPerCredit: Micros;
  /** Promotion credits granted once to every new account (0: none). */
  readonly signupCreditsMicros: Micros;
}

export const DEFAULT_BILLING_POLICY: BillingPolicy = {
  powerLevelMultiplierBps: { eco: 1_000, balanced: 2_500, precision: 10_000 },
  tierMarkupBps: { free: 0, starter: 4_000, professional: 6_000, enterprise: 8_000 },
  byokFeeBps: 1_000,
  creditPackages: [
    { id: 'credits-10', priceMicros: 10_000_000n, credits: 10_000 },
    { id: 'credits-50', priceMicros: 50_000_000n, credits: 55_000 },
    { id: 'credits-100', priceMicros: 100_000_000n, credits: 120_000 },
  ],
  microsPerCredit: 1_000n,
  signupCreditsMicros: 5_000_000n,
};

/** Who paid the provider for a request, and at which level and tier it ran. */
export interface ChargeBasis {
  readonly powerLevel: PowerLevel;
  readonly tier: Tier;
  readonly keySource: 'platform' | 'byok';
}

const BPS = 10_000n;
/** a × b / d, rounded half up (all non-negative). */
const mulDivHalfUp = (a: bigint, b: bigint, d: bigint): bigint => (a * b + d / 2n) / d;

/**
 * What the caller is charged for a request that cost the platform `costMicros` (pure):
 * cost × power-level multiplier × (1 + tier markup) on the platform's key, or cost × BYOK fee when
 * the caller's own key paid the provider. One rounding (half up) at the end, so a charge is the
 * exact product rounded to a whole micro-dollar.
 */
export function chargeFor(costMicros: Micros, basis: ChargeBasis, policy: BillingPolicy): Micros {
  if (costMicros <= 0n) return 0n;
  if (basis.keySource === 'byok') return mulDivHalfUp(costMicros, BigInt(policy.byokFeeBps), BPS);
  const multiplier = BigInt(policy.powerLevelMultiplierBps[basis.powerLevel]);
  const markup = BPS + BigInt(policy.tierMarkupBps[basis.tier]);
  return mulDivHalfUp(costMicros, multiplier * markup, BPS * BPS);
}

/** The micro-dollars a number of credits is worth. */
export const creditsToMicros = (credits: number, policy: BillingPolicy): Micros =>
  BigInt(credits) * policy.microsPerCredit;
