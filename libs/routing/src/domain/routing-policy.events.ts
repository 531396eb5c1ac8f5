import type { DomainEvent, PowerLevel } from '@gw/shared-kernel';
import type { FallbackReason, RoutingStrategy } from './routing-policy';

/** Money as a decimal string of integer micro-dollars (events are JSON). */
export interface PowerLevelPolicyData {
  /**
   * Added with strategy presets; events written before have none and are read as `custom` (their
   * weights were always given explicitly). `weights` is the resolved weights, also for a preset.
   */
  readonly strategy?: RoutingStrategy;
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
    /**
     * Added with configurable fallback reasons; events written before have none and are read as every
     * reason (FALLBACK_REASONS), which is what the gateway did then.
     */
    fallbackOn?: readonly FallbackReason[];
    changedBy: string;
    changedAt: string;
  }
>;

export type RoutingPolicyEvent = RoutingPolicyChanged;

/** The one policy stream. */
export const ROUTING_POLICY_STREAM = 'routing-policy';
