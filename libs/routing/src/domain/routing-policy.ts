import type { Micros, PowerLevel } from '@gw/shared-kernel';

export interface RoutingWeights {
  readonly cost: number;
  readonly latency: number;
  readonly quality: number;
}

/**
 * How a power level weighs its candidates. A preset (`cost`, `latency`, `balanced`) fixes the weights
 * at STRATEGY_PRESETS; `custom` uses the weights the admin gives.
 */
export type RoutingStrategy = 'cost' | 'latency' | 'balanced' | 'custom';
export type PresetStrategy = Exclude<RoutingStrategy, 'custom'>;

export const ROUTING_STRATEGIES: readonly RoutingStrategy[] = ['cost', 'latency', 'balanced', 'custom'];

/**
 * The presets' weights (cost / latency / quality, each summing to 1):
 * - cost      0.7 / 0.2 / 0.1   the cheapest model that is not painfully slow (the eco default)
 * - latency   0.15 / 0.7 / 0.15 the fastest model, cost and quality as tie-breakers
 * - balanced  0.4 / 0.4 / 0.2   price and speed alike, some quality (the balanced default)
 * `RoutingPolicyChanged` records the resolved weights next to the strategy, so changing a number here
 * affects the defaults (version 0) and policies saved afterwards, never a policy already recorded.
 */
export const STRATEGY_PRESETS: Readonly<Record<PresetStrategy, RoutingWeights>> = {
  cost: { cost: 0.7, latency: 0.2, quality: 0.1 },
  latency: { cost: 0.15, latency: 0.7, quality: 0.15 },
  balanced: { cost: 0.4, latency: 0.4, quality: 0.2 },
};

export const isPresetStrategy = (s: RoutingStrategy): s is PresetStrategy => s !== 'custom';

/**
 * Upstream failures the policy may let fall back to the next candidate: the retryable subset of the
 * providers' UpstreamErrorKind. `bad_request`, `not_found` and `stream_interrupted` never fall back
 * (the request is at fault, or output already reached the client), so they cannot be listed.
 */
export type FallbackReason = 'rate_limited' | 'auth' | 'timeout' | 'server' | 'connection';

/** Every fallback reason, in the canonical order policies and events list them. */
export const FALLBACK_REASONS: readonly FallbackReason[] = [
  'rate_limited',
  'auth',
  'timeout',
  'server',
  'connection',
];

export const isFallbackReason = (v: unknown): v is FallbackReason =>
  FALLBACK_REASONS.includes(v as FallbackReason);

export interface PowerLevelPolicy {
  readonly strategy: RoutingStrategy;
  /** For a preset strategy, always that preset's weights. */
  readonly weights: RoutingWeights;
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
  /** Which upstream failures try the next candidate (others end the request); canonical order. */
  readonly fallbackOn: readonly FallbackReason[];
}

/**
 * Whether a failure of this kind (an UpstreamErrorKind) may fall back under the policy. Kinds outside
 * FallbackReason never do. The caller still checks that the error is retryable and attempts are left.
 */
export const fallsBackOn = (policy: Pick<RoutingPolicy, 'fallbackOn'>, kind: string): boolean =>
  isFallbackReason(kind) && policy.fallbackOn.includes(kind);

/**
 * The product brief's defaults: eco = the `cost` preset, balanced = the `balanced` preset, precision =
 * `custom` 0.1/0.3/0.6 (no preset weighs quality first); every retryable failure falls back.
 */
export const DEFAULT_ROUTING_POLICY: RoutingPolicy = {
  version: 0,
  levels: {
    eco: {
      strategy: 'cost',
      weights: STRATEGY_PRESETS.cost,
      maxPricePer1k: 1_000n,
      latencyBoundMs: 10_000,
      preferredProviders: [],
    },
    balanced: {
      strategy: 'balanced',
      weights: STRATEGY_PRESETS.balanced,
      maxPricePer1k: 10_000n,
      latencyBoundMs: 10_000,
      preferredProviders: [],
    },
    precision: {
      strategy: 'custom',
      weights: { cost: 0.1, latency: 0.3, quality: 0.6 },
      maxPricePer1k: 100_000n,
      latencyBoundMs: 30_000,
      preferredProviders: [],
    },
  },
  maxAttempts: 3,
  attemptTimeoutMs: 60_000,
  byokBonus: 0.1,
  fallbackOn: FALLBACK_REASONS,
};
