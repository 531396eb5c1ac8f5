import type { Micros, PowerLevel } from '@gw/shared-kernel';

export interface PowerLevelPolicy {
  readonly weights: { readonly cost: number; readonly latency: number; readonly quality: number };
  /** Max blended price (mean of input and output) per 1K tokens, micro-dollars. */
  readonly maxPricePer1k: Micros;
  /** Latency at which the latency score reaches 0. */
  readonly latencyBoundMs: number;
  readonly preferredProviders: readonly string[];
}

export interface RoutingPolicy {
  readonly version: number;
  readonly levels: Readonly<Record<PowerLevel, PowerLevelPolicy>>;
  readonly maxAttempts: number;
  readonly attemptTimeoutMs: number;
  /** Score bonus for candidates the caller pays with their own key (BYOK). */
  readonly byokBonus: number;
}

/** The product brief's defaults. */
export const DEFAULT_ROUTING_POLICY: RoutingPolicy = {
  version: 0,
  levels: {
    eco: {
      weights: { cost: 0.7, latency: 0.2, quality: 0.1 },
      maxPricePer1k: 1_000n,
      latencyBoundMs: 10_000,
      preferredProviders: [],
    },
    balanced: {
      weights: { cost: 0.4, latency: 0.4, quality: 0.2 },
      maxPricePer1k: 10_000n,
      latencyBoundMs: 10_000,
      preferredProviders: [],
    },
    precision: {
      weights: { cost: 0.1, latency: 0.3, quality: 0.6 },
      maxPricePer1k: 100_000n,
      latencyBoundMs: 30_000,
      preferredProviders: [],
    },
  },
  maxAttempts: 3,
  attemptTimeoutMs: 60_000,
  byokBonus: 0.1,
};
