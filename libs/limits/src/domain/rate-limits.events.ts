import type { DomainEvent, Tier } from '@gw/shared-kernel';
import type { LimitDimension } from './rate-limits';

/** One stream holds the rate-limit policy's history; each change carries the whole new version. */
export const RATE_LIMIT_POLICY_STREAM = 'rate-limit-policy';

export type WindowLimitsData = Record<LimitDimension, number | null>;

export type RateLimitsChanged = DomainEvent<
  'RateLimitsChanged',
  { version: number; tiers: Record<Tier, WindowLimitsData>; changedBy: string; changedAt: string }
>;

export type RateLimitPolicyEvent = RateLimitsChanged;

export const RATE_LIMIT_POLICY_EVENT_TYPES: ReadonlySet<string> = new Set<RateLimitPolicyEvent['type']>([
  'RateLimitsChanged',
]);
