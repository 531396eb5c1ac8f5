import type { DomainEvent, PowerLevel } from '@gw/shared-kernel';
import type { BalancingPolicy, FallbackReason, ProviderRateLimit, RoutingStrategy } from './routing-policy';

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
  /** Added with latency caps; absent in older events: no cap but the attempt timeout, as then. */
  readonly latencyCapMs?: number;
  /** Added with fallback chains; absent in older events: the score order. */
  readonly chain?: readonly string[];
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
    /**
     * Added with routing depth (issue 20); events written before have none and read as the gateway
     * behaved then: preference bonus 0.05, no deadline beyond maxAttempts × attemptTimeoutMs, no use
     * cases, no balancing, no provider limits.
     */
    preferenceBonus?: number;
    requestDeadlineMs?: number;
    useCases?: Readonly<Record<string, readonly string[]>>;
    balancing?: BalancingPolicy;
    providerLimits?: Readonly<Record<string, ProviderRateLimit>>;
    changedBy: string;
    changedAt: string;
  }
>;

export type RoutingPolicyEvent = RoutingPolicyChanged;

/** The one policy stream. */
export const ROUTING_POLICY_STREAM = 'routing-policy';
