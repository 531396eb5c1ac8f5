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
  /** Providers that get `RoutingPolicy.preferenceBonus` added to their score at this level. */
  readonly preferredProviders: readonly string[];
  /**
   * Latency cap: how long an attempt may take to start answering (the first streamed chunk, or the
   * response of a non-streamed call) before it is cut off and the next candidate is tried.
   */
  readonly latencyCapMs: number;
  /**
   * An explicit fallback chain: model ids tried in this order (those that pass the request's filters
   * and are healthy), instead of the score order. Empty: the score order.
   */
  readonly chain: readonly string[];
}

/**
 * Weighted load balancing: among the candidates whose score is within `bandPercent` of the best, the
 * first one tried is drawn by weight (a weight per model id or provider id, the model's first; 1 when
 * neither is listed), reproducibly from the request id. The others follow in score order.
 */
export interface BalancingPolicy {
  readonly enabled: boolean;
  /** 0–50: how far below the best score (in % of it) a candidate may be and still share traffic. */
  readonly bandPercent: number;
  /** Keyed by model id (`provider/model`) or provider id; 0 takes it out of the draw. */
  readonly weights: Readonly<Record<string, number>>;
}

/**
 * What an upstream account allows per minute (requests, tokens): a provider near it is ranked lower
 * before it answers 429. Applies to the platform's key; a caller's own key has its own limits.
 */
export interface ProviderRateLimit {
  readonly rpm?: number;
  readonly tpm?: number;
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
  /** Score bonus for a level's preferred providers (shown in the explanation as `preference`). */
  readonly preferenceBonus: number;
  /** End-to-end deadline of a request, every attempt included: past it the request ends with 504. */
  readonly requestDeadlineMs: number;
  /**
   * Named use cases (the `x-switchyard-use-case` header or `metadata.use_case`) with their own
   * fallback chain of model ids, applied at any power level ahead of the level's chain.
   */
  readonly useCases: Readonly<Record<string, readonly string[]>>;
  readonly balancing: BalancingPolicy;
  /** Per provider id. */
  readonly providerLimits: Readonly<Record<string, ProviderRateLimit>>;
}

/** Limits of the policy's collections (validation and the DTO share them). */
export const ROUTING_POLICY_LIMITS = {
  chainLength: 10,
  useCases: 20,
  useCaseName: /^[a-z0-9][a-z0-9_.-]{0,39}$/,
  /** Provider ids (catalog slugs) and model ids (`provider/model`) as policy keys. */
  providerId: /^[a-z0-9][a-z0-9_.-]{0,63}$/,
  weightKey: /^[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,199}$/,
  balancingWeights: 100,
  maxWeight: 1_000,
  providerLimits: 100,
  maxRate: 1_000_000_000,
  latencyCapMs: { min: 100, max: 600_000 },
  requestDeadlineMs: { min: 1_000, max: 1_800_000 },
} as const;

/** What a policy recorded before these settings existed behaves as (and what PUT defaults to). */
export const DEFAULT_PREFERENCE_BONUS = 0.05;
export const DEFAULT_BALANCING: BalancingPolicy = { enabled: false, bandPercent: 2, weights: {} };
export const DEFAULT_REQUEST_DEADLINE_MS = 120_000;

/**
 * Whether a failure of this kind (an UpstreamErrorKind) may fall back under the policy. Kinds outside
 * FallbackReason never do. The caller still checks that the error is retryable and attempts are left.
 */
export const fallsBackOn = (policy: Pick<RoutingPolicy, 'fallbackOn'>, kind: string): boolean =>
  isFallbackReason(kind) && policy.fallbackOn.includes(kind);

/**
 * The product brief's defaults: eco = the `cost` preset, balanced = the `balanced` preset, precision =
 * `custom` 0.1/0.3/0.6 (no preset weighs quality first); every retryable failure falls back. Latency
 * caps 10 s / 5 s / 2 s. Preferred providers: eco the low-cost open-model hosts, balanced the large
 * general-purpose APIs, precision the frontier labs (docs/routing.md says why).
 */
export const DEFAULT_LATENCY_CAPS_MS: Readonly<Record<PowerLevel, number>> = {
  eco: 10_000,
  balanced: 5_000,
  precision: 2_000,
};

export const DEFAULT_PREFERRED_PROVIDERS: Readonly<Record<PowerLevel, readonly string[]>> = {
  eco: ['groq', 'deepinfra', 'together'],
  balanced: ['openai', 'gemini', 'mistral'],
  precision: ['anthropic', 'openai'],
};

export const DEFAULT_ROUTING_POLICY: RoutingPolicy = {
  version: 0,
  levels: {
    eco: {
      strategy: 'cost',
      weights: STRATEGY_PRESETS.cost,
      maxPricePer1k: 1_000n,
      latencyBoundMs: 10_000,
      preferredProviders: DEFAULT_PREFERRED_PROVIDERS.eco,
      latencyCapMs: DEFAULT_LATENCY_CAPS_MS.eco,
      chain: [],
    },
    balanced: {
      strategy: 'balanced',
      weights: STRATEGY_PRESETS.balanced,
      maxPricePer1k: 10_000n,
      latencyBoundMs: 10_000,
      preferredProviders: DEFAULT_PREFERRED_PROVIDERS.balanced,
      latencyCapMs: DEFAULT_LATENCY_CAPS_MS.balanced,
      chain: [],
    },
    precision: {
      strategy: 'custom',
      weights: { cost: 0.1, latency: 0.3, quality: 0.6 },
      maxPricePer1k: 100_000n,
      latencyBoundMs: 30_000,
      preferredProviders: DEFAULT_PREFERRED_PROVIDERS.precision,
      latencyCapMs: DEFAULT_LATENCY_CAPS_MS.precision,
      chain: [],
    },
  },
  maxAttempts: 3,
  attemptTimeoutMs: 60_000,
  byokBonus: 0.1,
  fallbackOn: FALLBACK_REASONS,
  preferenceBonus: DEFAULT_PREFERENCE_BONUS,
  requestDeadlineMs: DEFAULT_REQUEST_DEADLINE_MS,
  useCases: {},
  balancing: DEFAULT_BALANCING,
  providerLimits: {},
};
