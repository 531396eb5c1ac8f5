import type { DomainEvent, PowerLevel, Tier } from '@gw/shared-kernel';

/** One stream holds the billing policy's history; each change is a new whole version. */
export const BILLING_POLICY_STREAM = 'billing-policy';

/** The policy as events carry it: basis points as integers, money as decimal strings. */
export interface BillingPolicyData {
  powerLevelMultiplierBps: Record<PowerLevel, number>;
  tierMarkupBps: Record<Tier, number>;
  byokFeeBps: number;
  creditPackages: Array<{ id: string; priceMicros: string; credits: number }>;
  microsPerCredit: string;
  /** Promotion credits every new account is granted, in micro-dollars; absent in older events: the default. */
  signupCreditsMicros?: string;
}

export type BillingPolicyChanged = DomainEvent<
  'BillingPolicyChanged',
  { version: number; policy: BillingPolicyData; changedBy: string; changedAt: string }
>;

export type BillingPolicyEvent = BillingPolicyChanged;

export const BILLING_POLICY_EVENT_TYPES: readonly string[] = ['BillingPolicyChanged'];
