import { TIERS, type Tier } from '@gw/shared-kernel';

/** What a rate limit counts: requests per minute, hour and day, and tokens per minute. */
export type LimitDimension = 'rpm' | 'rph' | 'rpd' | 'tpm';
export const LIMIT_DIMENSIONS: readonly LimitDimension[] = ['rpm', 'rph', 'rpd', 'tpm'];
export const REQUEST_DIMENSIONS = ['rpm', 'rph', 'rpd'] as const;
export type RequestDimension = (typeof REQUEST_DIMENSIONS)[number];

/** One tier's limits; null = unlimited. */
export type WindowLimits = Readonly<Record<LimitDimension, number | null>>;

/** Per tier; admin-editable as events (stream `rate-limit-policy`), these are the defaults. */
export type RateLimitPolicy = Readonly<Record<Tier, WindowLimits>>;

/** The product's defaults (issue 9): requests per minute / hour / day and tokens per minute. */
export const DEFAULT_RATE_LIMITS: RateLimitPolicy = {
  free: { rpm: 10, rph: 100, rpd: 500, tpm: 10_000 },
  starter: { rpm: 30, rph: 1_000, rpd: 10_000, tpm: 100_000 },
  professional: { rpm: 100, rph: 5_000, rpd: 50_000, tpm: 500_000 },
  enterprise: { rpm: 500, rph: 20_000, rpd: null, tpm: 2_000_000 },
};

/** How long each window is, in milliseconds (sliding: it always ends now). */
export type WindowLengths = Readonly<Record<LimitDimension, number>>;

export const DEFAULT_WINDOWS: WindowLengths = {
  rpm: 60_000,
  rph: 3_600_000,
  rpd: 86_400_000,
  tpm: 60_000,
};

export const isTierName = (name: string): name is Tier => (TIERS as readonly string[]).includes(name);
export const isLimitDimension = (name: string): name is LimitDimension =>
  (LIMIT_DIMENSIONS as readonly string[]).includes(name);
