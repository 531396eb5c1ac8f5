import type { DomainEvent, PowerLevel } from '@gw/shared-kernel';

/** Money as a decimal string of integer micro-dollars (events are JSON). */
export interface PowerLevelPolicyData {
  readonly weights: { readonly cost: number; readonly latency: number; readonly quality: number };
  readonly maxPricePer1kMicros: string;
  readonly latencyBoundMs: number;
  readonly preferredProviders: readonly string[];
}

export type RoutingPolicyChanged = DomainEvent<
  'RoutingPolicyChanged',
  {
    version: number;
    levels: Record<PowerLevel, PowerLevelPolicyData>;
    maxAttempts: number;
    attemptTimeoutMs: number;
    byokBonus: number;
    changedBy: string;
    changedAt: string;
  }
>;

export type RoutingPolicyEvent = RoutingPolicyChanged;

/** The one policy stream. */
export const ROUTING_POLICY_STREAM = 'routing-policy';
