import {
  ConcurrencyError,
  POWER_LEVELS,
  TIERS,
  ValidationError,
  type Decider,
  type PowerLevel,
  type Tier,
} from '@gw/shared-kernel';
import { DEFAULT_BILLING_POLICY, type BillingPolicy } from './billing-policy';
import type { BillingPolicyData, BillingPolicyEvent } from './billing-policy.events';

/** What a PUT may change: any field, and within the two maps any key; the rest stays. */
export interface BillingPolicyChanges {
  readonly powerLevelMultiplierBps?: Partial<Record<PowerLevel, number>>;
  readonly tierMarkupBps?: Partial<Record<Tier, number>>;
  readonly byokFeeBps?: number;
  readonly creditPackages?: ReadonlyArray<{ id: string; priceMicros: string; credits: number }>;
  readonly microsPerCredit?: string;
  readonly signupCreditsMicros?: string;
}

export interface ChangeBillingPolicy {
  readonly type: 'ChangeBillingPolicy';
  readonly data: {
    readonly changes: BillingPolicyChanges;
    readonly changedBy: string;
    /** When given, the change applies only to this version (If-Match). */
    readonly expectedVersion?: number;
  };
  readonly metadata: { readonly now: Date };
}

/** Version 0 = the product defaults (DEFAULT_BILLING_POLICY). */
export interface BillingPolicyState {
  readonly version: number;
  readonly policy: BillingPolicy;
}

/** 100× for multipliers and markups, 100 % for the BYOK fee: far above any real price list. */
export const MAX_MULTIPLIER_BPS = 1_000_000;
export const MAX_CREDIT_PACKAGES = 20;
const MAX_MICROS = 9_223_372_036_854_775_807n;
const MICROS = /^(0|[1-9]\d{0,18})$/;
const PACKAGE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

const invalid = (param: string, message: string): never => {
  throw new ValidationError('BILLING.INVALID_POLICY', message, { param });
};

export const billingPolicyToData = (p: BillingPolicy): BillingPolicyData => ({
  powerLevelMultiplierBps: { ...p.powerLevelMultiplierBps },
  tierMarkupBps: { ...p.tierMarkupBps },
  byokFeeBps: p.byokFeeBps,
  creditPackages: p.creditPackages.map((c) => ({
    id: c.id,
    priceMicros: c.priceMicros.toString(),
    credits: c.credits,
  })),
  microsPerCredit: p.microsPerCredit.toString(),
  signupCreditsMicros: p.signupCreditsMicros.toString(),
});

export const billingPolicyFromData = (d: BillingPolicyData): BillingPolicy => ({
  powerLevelMultiplierBps: {
    ...DEFAULT_BILLING_POLICY.powerLevelMultiplierBps,
    ...d.powerLevelMultiplierBps,
  },
  tierMarkupBps: { ...DEFAULT_BILLING_POLICY.tierMarkupBps, ...d.tierMarkupBps },
  byokFeeBps: d.byokFeeBps,
  creditPackages: d.creditPackages.map((c) => ({
    id: c.id,
    priceMicros: BigInt(c.priceMicros),
    credits: c.credits,
  })),
  microsPerCredit: BigInt(d.microsPerCredit),
  signupCreditsMicros:
    d.signupCreditsMicros === undefined
      ? DEFAULT_BILLING_POLICY.signupCreditsMicros
      : BigInt(d.signupCreditsMicros),
});

function checkBps(param: string, value: unknown, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    invalid(param, `${param} must be a whole number of basis points from 0 to ${max} (10000 = 100 %)`);
}

function checkMap<K extends string>(
  name: string,
  keys: readonly K[],
  given: Partial<Record<K, number>> | undefined,
  max: number,
): void {
  if (given === undefined) return;
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    invalid(name, `${name} must be an object keyed by ${keys.join(', ')}`);
  for (const [key, value] of Object.entries(given)) {
    if (!keys.includes(key as K))
      invalid(`${name}.${key}`, `${name}.${key} is not one of ${keys.join(', ')}`);
    checkBps(`${name}.${key}`, value, max);
  }
}

function checkMicros(param: string, value: unknown, positive: boolean): void {
  if (
    typeof value !== 'string' ||
    !MICROS.test(value) ||
    BigInt(value) > MAX_MICROS ||
    (positive && value === '0')
  )
    invalid(
      param,
      `${param} must be a ${positive ? 'positive ' : ''}whole number of micro-dollars as a string (e.g. "10000000" for $10)`,
    );
}

/** Checks what a change gives (only that); throws a 400 naming the first bad field. */
export function validateBillingPolicyChanges(c: BillingPolicyChanges): void {
  checkMap('powerLevelMultiplierBps', POWER_LEVELS, c.powerLevelMultiplierBps, MAX_MULTIPLIER_BPS);
  checkMap('tierMarkupBps', TIERS, c.tierMarkupBps, MAX_MULTIPLIER_BPS);
  if (c.byokFeeBps !== undefined) checkBps('byokFeeBps', c.byokFeeBps, 10_000);
  if (c.microsPerCredit !== undefined) checkMicros('microsPerCredit', c.microsPerCredit, true);
  if (c.signupCreditsMicros !== undefined) checkMicros('signupCreditsMicros', c.signupCreditsMicros, false);
  if (c.creditPackages !== undefined) {
    if (!Array.isArray(c.creditPackages) || c.creditPackages.length > MAX_CREDIT_PACKAGES)
      invalid('creditPackages', `creditPackages must be a list of at most ${MAX_CREDIT_PACKAGES} packages`);
    const ids = new Set<string>();
    c.creditPackages.forEach((p, i) => {
      const at = `creditPackages[${i}]`;
      if (typeof p !== 'object' || p === null) invalid(at, `${at} must be {id, priceMicros, credits}`);
      if (typeof p.id !== 'string' || !PACKAGE_ID.test(p.id))
        invalid(`${at}.id`, `${at}.id must be 1–40 lowercase letters, digits and dashes`);
      if (ids.has(p.id)) invalid(`${at}.id`, `${at}.id repeats the package ${p.id}`);
      ids.add(p.id);
      checkMicros(`${at}.priceMicros`, p.priceMicros, true);
      if (!Number.isInteger(p.credits) || p.credits < 1 || p.credits > 1_000_000_000_000)
        invalid(`${at}.credits`, `${at}.credits must be a positive whole number of credits`);
    });
  }
}

const merged = (current: BillingPolicyData, c: BillingPolicyChanges): BillingPolicyData => ({
  powerLevelMultiplierBps: { ...current.powerLevelMultiplierBps, ...c.powerLevelMultiplierBps },
  tierMarkupBps: { ...current.tierMarkupBps, ...c.tierMarkupBps },
  byokFeeBps: c.byokFeeBps ?? current.byokFeeBps,
  creditPackages: c.creditPackages
    ? c.creditPackages.map((p) => ({ id: p.id, priceMicros: p.priceMicros, credits: p.credits }))
    : current.creditPackages,
  microsPerCredit: c.microsPerCredit ?? current.microsPerCredit,
  signupCreditsMicros: c.signupCreditsMicros ?? current.signupCreditsMicros,
});

/** Canonical JSON (keys in a fixed order) to tell a real change from a repeat. */
const canonical = (d: BillingPolicyData): string =>
  JSON.stringify([
    POWER_LEVELS.map((l) => d.powerLevelMultiplierBps[l]),
    TIERS.map((t) => d.tierMarkupBps[t]),
    d.byokFeeBps,
    d.creditPackages.map((p) => [p.id, p.priceMicros, p.credits]),
    d.microsPerCredit,
    d.signupCreditsMicros,
  ]);

export const billingPolicyDecider: Decider<ChangeBillingPolicy, BillingPolicyEvent, BillingPolicyState> = {
  initialState: () => ({ version: 0, policy: DEFAULT_BILLING_POLICY }),
  evolve: (_state, event) => ({
    version: event.data.version,
    policy: billingPolicyFromData(event.data.policy),
  }),
  decide: (command, state) => {
    const { changes, changedBy, expectedVersion } = command.data;
    if (expectedVersion !== undefined && expectedVersion !== state.version)
      throw new ConcurrencyError(
        'BILLING.POLICY_VERSION_MISMATCH',
        `The billing policy is at version ${state.version}, not ${expectedVersion}: read it again and retry`,
      );
    validateBillingPolicyChanges(changes);
    const current = billingPolicyToData(state.policy);
    const next = merged(current, changes);
    if (canonical(next) === canonical(current)) return [];
    return [
      {
        type: 'BillingPolicyChanged',
        data: {
          version: state.version + 1,
          policy: next,
          changedBy,
          changedAt: command.metadata.now.toISOString(),
        },
      },
    ];
  },
};
