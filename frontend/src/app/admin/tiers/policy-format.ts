import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { formatMicros, parseDollars } from '../../shared/money';
import type {
  BillingPolicyView,
  PowerLevel,
  RateLimitPolicy,
  Tier,
  TierPolicy,
  WindowLimits,
} from './tiers-api';

export const TIERS: readonly Tier[] = ['free', 'starter', 'professional', 'enterprise'];
export const POWER_LEVELS: readonly PowerLevel[] = ['eco', 'balanced', 'precision'];
export type LimitField = keyof WindowLimits;
export const LIMIT_FIELDS: readonly LimitField[] = ['rpm', 'rph', 'rpd', 'tpm'];

export const TIER_LABELS: Record<Tier, string> = {
  free: 'Free',
  starter: 'Starter',
  professional: 'Professional',
  enterprise: 'Enterprise',
};
export const LEVEL_LABELS: Record<PowerLevel, string> = {
  eco: 'Eco',
  balanced: 'Balanced',
  precision: 'Precision',
};
export const LIMIT_LABELS: Record<LimitField, string> = {
  rpm: 'Requests per minute',
  rph: 'Requests per hour',
  rpd: 'Requests per day',
  tpm: 'Tokens per minute',
};
const LIMIT_SHORT: Record<LimitField, string> = {
  rpm: 'requests/min',
  rph: 'requests/hour',
  rpd: 'requests/day',
  tpm: 'tokens/min',
};

/** Basis points in the fixed-point text a person types: 12345 bps, 2 digits → "123.45"; trailing zeros go. */
function bpsText(bps: number, digits: number): string {
  const unit = 10 ** digits;
  const whole = Math.trunc(bps / unit);
  const fraction = (bps % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

function parseFixed(text: string, digits: number, maxWhole: number): number | null {
  const m = new RegExp(`^\\s*(\\d{1,${maxWhole}})(?:\\.(\\d{0,${digits}}))?\\s*$`).exec(text);
  if (!m) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || '0');
}

/** 1000 bps → "0.1" (×). */
export const multiplierText = (bps: number): string => bpsText(bps, 4);
/** "0.1" → 1000 bps; null when it is not a multiplier with at most 4 decimals. */
export const parseMultiplier = (text: string): number | null => parseFixed(text, 4, 3);
/** 4000 bps → "40" (%). */
export const percentText = (bps: number): string => bpsText(bps, 2);
/** "12.5" → 1250 bps; null when it is not a percentage with at most 2 decimals. */
export const parsePercent = (text: string): number | null => parseFixed(text, 2, 5);

/** Exact micro-dollars as the dollars a person types: "2500000" → "2.50", "1000" → "0.001". */
export function dollarsText(micros: string): string {
  const value = BigInt(micros);
  const whole = value / 1_000_000n;
  const fraction = (value % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${fraction}`;
}

/** A limit as typed: "" = unlimited (null), else a whole number. */
export function parseLimit(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d{1,15}$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isSafeInteger(n) ? n : undefined;
}

export const limitText = (value: number | null): string => (value === null ? '' : String(value));

const textValidator =
  (ok: (text: string) => boolean, error: string): ValidatorFn =>
  (control: AbstractControl): ValidationErrors | null =>
    ok(String(control.value ?? '')) ? null : { [error]: true };

/** Validators for the forms: each names its error key. */
export const validators = {
  limit: textValidator((t) => parseLimit(t) !== undefined, 'limit'),
  multiplier: textValidator((t) => {
    const bps = parseMultiplier(t);
    return bps !== null && bps <= 1_000_000;
  }, 'multiplier'),
  markup: textValidator((t) => {
    const bps = parsePercent(t);
    return bps !== null && bps <= 1_000_000;
  }, 'percent'),
  byokFee: textValidator((t) => {
    const bps = parsePercent(t);
    return bps !== null && bps <= 10_000;
  }, 'percent'),
  dollars: textValidator((t) => parseDollars(t) !== null, 'dollars'),
  positiveDollars: textValidator((t) => (parseDollars(t) ?? 0n) > 0n, 'dollars'),
  credits: textValidator((t) => /^\s*\d{1,13}\s*$/.test(t) && Number(t) >= 1 && Number(t) <= 1e12, 'credits'),
  packageId: textValidator((t) => /^[a-z0-9][a-z0-9-]{0,39}$/.test(t.trim()), 'packageId'),
};

// --- What changed between two versions (for the history lists) ---

const levels = (l: readonly PowerLevel[]): string => l.map((x) => LEVEL_LABELS[x]).join(', ') || 'none';
const byok = (b: TierPolicy[Tier]['byok']): string =>
  b.allowed ? `allowed, ${b.keysPerProvider} per provider` : 'not allowed';

export function tierRulesChanges(older: TierPolicy, newer: TierPolicy): string[] {
  const out: string[] = [];
  for (const tier of TIERS) {
    const [a, b] = [older[tier], newer[tier]];
    if (levels(a.powerLevels) !== levels(b.powerLevels))
      out.push(`${TIER_LABELS[tier]} power levels: ${levels(a.powerLevels)} → ${levels(b.powerLevels)}`);
    if (byok(a.byok) !== byok(b.byok))
      out.push(`${TIER_LABELS[tier]} BYOK: ${byok(a.byok)} → ${byok(b.byok)}`);
  }
  return out;
}

const limit = (v: number | null): string => (v === null ? 'unlimited' : v.toLocaleString('en-US'));

export function rateLimitsChanges(older: RateLimitPolicy, newer: RateLimitPolicy): string[] {
  const out: string[] = [];
  for (const tier of TIERS)
    for (const field of LIMIT_FIELDS)
      if (older[tier][field] !== newer[tier][field])
        out.push(
          `${TIER_LABELS[tier]} ${LIMIT_SHORT[field]}: ${limit(older[tier][field])} → ${limit(newer[tier][field])}`,
        );
  return out;
}

type BillingData = Omit<BillingPolicyView, 'version'>;
const packages = (d: BillingData): string =>
  d.creditPackages.map((p) => `${p.id} ${formatMicros(p.priceMicros)} = ${p.credits} credits`).join('; ') ||
  'none';

export function billingChanges(older: BillingData, newer: BillingData): string[] {
  const out: string[] = [];
  for (const level of POWER_LEVELS) {
    const [a, b] = [older.powerLevelMultiplierBps[level], newer.powerLevelMultiplierBps[level]];
    if (a !== b) out.push(`${LEVEL_LABELS[level]} multiplier: ×${multiplierText(a)} → ×${multiplierText(b)}`);
  }
  for (const tier of TIERS) {
    const [a, b] = [older.tierMarkupBps[tier], newer.tierMarkupBps[tier]];
    if (a !== b) out.push(`${TIER_LABELS[tier]} markup: ${percentText(a)} % → ${percentText(b)} %`);
  }
  if (older.byokFeeBps !== newer.byokFeeBps)
    out.push(`BYOK fee: ${percentText(older.byokFeeBps)} % → ${percentText(newer.byokFeeBps)} %`);
  if ((older.signupCreditsMicros ?? '') !== (newer.signupCreditsMicros ?? ''))
    out.push(
      `Sign-up credits: ${formatMicros(older.signupCreditsMicros)} → ${formatMicros(newer.signupCreditsMicros)}`,
    );
  if (older.microsPerCredit !== newer.microsPerCredit)
    out.push(
      `Credit value: ${formatMicros(older.microsPerCredit, 6)} → ${formatMicros(newer.microsPerCredit, 6)}`,
    );
  if (packages(older) !== packages(newer)) out.push(`Credit packages: ${packages(newer)}`);
  return out;
}
