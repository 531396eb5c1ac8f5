import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CUSTOM_PROVIDER, isCustomProviderSlug } from '@gw/keys';
import type { ProjectionLagSample } from '@gw/projections';
import { StepHistogram, type StepSeries } from './step-histogram';

/**
 * Metrics labels never carry names a user chose: a BYOK custom endpoint (provider `custom-<key id>`)
 * and every model it serves are labelled `custom` (the endpoint's label and model ids are the user's
 * words, and one series per key would grow without bound).
 */
export const providerLabel = (provider: string): string =>
  isCustomProviderSlug(provider) ? CUSTOM_PROVIDER : provider;
export const modelLabel = (provider: string, model: string): string =>
  isCustomProviderSlug(provider) ? CUSTOM_PROVIDER : model;

/** One answered chat request (completed, or interrupted by the client after it began), as the hot path saw it. */
export interface ChatObservation {
  /** The provider and model that answered (catalog slugs, never a user's or key's id). */
  provider: string;
  model: string;
  powerLevel: string;
  /** `completed` | `interrupted` (any low-cardinality outcome string). */
  status: string;
  streamed: boolean;
  /** From the request's arrival to its last byte. */
  durationSeconds: number;
  /** Streams only: from the request's arrival to the first content chunk; null otherwise. */
  ttftSeconds: number | null;
  /** Time spent in the gateway, the upstream call excluded; null when not measured. */
  overheadSeconds: number | null;
  tokens: { input: number; output: number; cached: number; reasoning: number; cacheWrite: number };
  /** What the provider charges us, and what the user is charged, in integer micro-dollars. */
  costMicros: bigint;
  chargeMicros: bigint;
}

/** A request that ended without an answer: `failed`, `refused_budget`, `rate_limited`, … */
export interface FailureObservation {
  /** The last provider and model tried; `none` when the request never reached one. */
  provider: string;
  model: string;
  powerLevel: string;
  status: string;
  streamed: boolean;
}

/** One fallback hop between providers (slugs), and why. */
export interface FallbackObservation {
  from: string;
  to: string;
  reason: string;
}

export type { ProjectionLagSample } from '@gw/projections';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const TTFT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];
/** From 50 µs (a step that only computes) to 10 s (an attempt waiting on its upstream). */
const STEP_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05, 0.25, 1, 2.5, 10];

/**
 * The chat pipeline's steps, in the order a request meets them (docs/operations.md, "Chat time by
 * step", says which code each covers): `switchyard_chat_step_seconds{step}`.
 */
export const CHAT_STEPS = [
  'authenticate',
  'validate',
  'plan',
  'hold',
  'admit',
  'attempt',
  'settle',
  'record',
  'respond',
] as const;
export type ChatStep = (typeof CHAT_STEPS)[number];

type CounterChild = ReturnType<Counter['labels']>;
type HistogramChild = ReturnType<Histogram['labels']>;

/** One series per chat step, bound once at startup. */
export type ChatStepSeries = Readonly<Record<ChatStep, StepSeries>>;

/** The series of one power level of one model: resolved once, so the hot path does no label hashing. */
interface PowerLevelSeries {
  readonly charge: CounterChild;
  readonly byStatus: Map<string, CounterChild>;
}

/** The series of one provider's model. */
interface ModelSeries {
  readonly input: CounterChild;
  readonly output: CounterChild;
  readonly cached: CounterChild;
  readonly reasoning: CounterChild;
  readonly cacheWrite: CounterChild;
  readonly cost: CounterChild;
  readonly ttft: HistogramChild;
  readonly durationStreamed: HistogramChild;
  readonly durationUnary: HistogramChild;
  readonly powerLevels: Map<string, PowerLevelSeries>;
}

/**
 * The product's Prometheus metrics (docs/operations.md § Metrics). Labels are low-cardinality
 * (provider and model slugs, power levels, outcomes, reasons) and never carry user ids or keys.
 * The hot path calls observeChat / observeFailure / observeFallback; their label children are cached
 * per provider, model and power level, so an observation allocates nothing once its series exist.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly llmRequests = new Counter({
    name: 'llm_requests_total',
    help: 'Chat requests by provider, model, power level and outcome (completed, interrupted, failed, refused_budget, rate_limited, …)',
    labelNames: ['provider', 'model', 'power_level', 'status'] as const,
    registers: [this.registry],
  });
  readonly llmRequestDuration = new Histogram({
    name: 'llm_request_duration_seconds',
    help: 'Answered chat requests: time from arrival to the last byte',
    labelNames: ['provider', 'model', 'streamed'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly llmTimeToFirstToken = new Histogram({
    name: 'llm_time_to_first_token_seconds',
    help: 'Streamed chat requests: time from arrival to the first content chunk',
    labelNames: ['provider', 'model'] as const,
    buckets: TTFT_BUCKETS,
    registers: [this.registry],
  });
  readonly llmTokens = new Counter({
    name: 'llm_tokens_total',
    help: 'Tokens by type: input, output, cached (input read from cache), reasoning, cache_write',
    labelNames: ['provider', 'model', 'type'] as const,
    registers: [this.registry],
  });
  readonly llmCost = new Counter({
    name: 'llm_cost_micro_usd_total',
    help: 'What providers charge for the answered requests, in micro-dollars',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });
  readonly llmCharge = new Counter({
    name: 'llm_charge_micro_usd_total',
    help: 'What users are charged for the answered requests, in micro-dollars',
    labelNames: ['provider', 'model', 'power_level'] as const,
    registers: [this.registry],
  });
  /** Providers whose circuit this instance has seen move; the others are reported healthy. */
  private readonly healthSeen = new Set<string>();
  readonly providerHealth = new Gauge({
    name: 'llm_provider_health',
    help: 'Provider circuit closed (1, healthy) or open (0), as this instance sees it with the platform key',
    labelNames: ['provider'] as const,
    registers: [this.registry],
    collect: () => {
      if (!this.statusSource) return;
      for (const { provider } of this.statusSource())
        if (!this.healthSeen.has(provider)) this.providerHealth.set({ provider }, 1);
    },
  });
  readonly llmFallbacks = new Counter({
    name: 'llm_fallbacks_total',
    help: 'Fallback hops from one provider to the next, by reason',
    labelNames: ['from', 'to', 'reason'] as const,
    registers: [this.registry],
  });
  readonly gatewayOverhead = new Histogram({
    name: 'switchyard_gateway_overhead_seconds',
    help: 'Time a chat request spends in the gateway, the upstream call excluded',
    buckets: OVERHEAD_BUCKETS,
    registers: [this.registry],
  });
  readonly chatStepSeconds = new StepHistogram(
    'switchyard_chat_step_seconds',
    'Time a chat request spends in each step: authenticate, validate, plan, hold, admit, attempt (with the upstream), settle, record, respond (a stream until its end)',
    'step',
    CHAT_STEPS,
    STEP_BUCKETS,
  ).registerIn(this.registry);
  /** The steps' series, bound once: observing a step is a bucket search and three additions. */
  readonly chatSteps: ChatStepSeries = this.chatStepSeconds.series;
  readonly budgetRefusals: Counter<'reason'> = new Counter({
    name: 'switchyard_budget_refusals_total',
    help: 'Chat requests refused by the budget: balance, cap, or store_unavailable',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly budgetStoreDegraded: Gauge = new Gauge({
    name: 'switchyard_budget_store_degraded',
    help: 'The budget store runs on its fallback because Redis is unreachable (1), or on Redis (0)',
    registers: [this.registry],
  });
  readonly rateLimited: Counter<'tier' | 'dimension'> = new Counter({
    name: 'switchyard_rate_limited_total',
    help: 'Chat requests refused by the tier rate limits, by tier and the window that refused them',
    labelNames: ['tier', 'dimension'] as const,
    registers: [this.registry],
  });
  readonly rateLimiterDegraded: Gauge = new Gauge({
    name: 'switchyard_rate_limiter_degraded',
    help: 'Rate limits counted per instance (1) because Redis is unreachable, or shared in Redis (0)',
    registers: [this.registry],
  });
  readonly eventWrites = new Histogram({
    name: 'switchyard_event_commit_duration_seconds',
    help: 'Time to commit a request’s events (group commit)',
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  private lagSource: (() => Promise<readonly ProjectionLagSample[]>) | undefined;
  readonly projectionLag = new Gauge({
    name: 'switchyard_projection_lag_seconds',
    help: 'Age of the oldest event not yet applied, per in-process projection (0 when caught up); measured at scrape time',
    labelNames: ['projection'] as const,
    registers: [this.registry],
    collect: async () => {
      if (!this.lagSource) return;
      let samples: readonly ProjectionLagSample[];
      try {
        samples = await this.lagSource();
      } catch {
        return; // the store is unreachable: keep the last values rather than fail the whole scrape
      }
      for (const { projection, seconds } of samples) this.projectionLag.set({ projection }, seconds);
    },
  });

  private statusSource: (() => ReadonlyArray<{ provider: string; status: string }>) | undefined;
  readonly providerStatus = new Gauge({
    name: 'switchyard_provider_status',
    help: 'Catalog status of each provider (1 for its current status: active, disabled, needs_key, unreachable)',
    labelNames: ['provider', 'status'] as const,
    registers: [this.registry],
    collect: () => {
      if (!this.statusSource) return;
      this.providerStatus.reset();
      for (const { provider, status } of this.statusSource())
        this.providerStatus.set({ provider, status }, 1);
    },
  });

  private readonly series = new Map<string, Map<string, ModelSeries>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
    this.budgetStoreDegraded.set(0);
    this.rateLimiterDegraded.set(0);
  }

  /** An answered request (completed, or interrupted after it began). */
  observeChat(o: ChatObservation): void {
    const provider = providerLabel(o.provider);
    const model = modelLabel(o.provider, o.model);
    const s = this.modelSeries(provider, model);
    const level = this.powerLevelSeries(s, provider, model, o.powerLevel);
    this.statusChild(level, provider, model, o.powerLevel, o.status).inc();
    (o.streamed ? s.durationStreamed : s.durationUnary).observe(o.durationSeconds);
    if (o.ttftSeconds !== null) s.ttft.observe(o.ttftSeconds);
    if (o.overheadSeconds !== null) this.gatewayOverhead.observe(o.overheadSeconds);
    const t = o.tokens;
    if (t.input > 0) s.input.inc(t.input);
    if (t.output > 0) s.output.inc(t.output);
    if (t.cached > 0) s.cached.inc(t.cached);
    if (t.reasoning > 0) s.reasoning.inc(t.reasoning);
    if (t.cacheWrite > 0) s.cacheWrite.inc(t.cacheWrite);
    if (o.costMicros > 0n) s.cost.inc(Number(o.costMicros));
    if (o.chargeMicros > 0n) level.charge.inc(Number(o.chargeMicros));
  }

  /** A request that ended without an answer; counted in llm_requests_total only. */
  observeFailure(o: FailureObservation): void {
    const provider = providerLabel(o.provider);
    const model = modelLabel(o.provider, o.model);
    const s = this.modelSeries(provider, model);
    const level = this.powerLevelSeries(s, provider, model, o.powerLevel);
    this.statusChild(level, provider, model, o.powerLevel, o.status).inc();
  }

  observeFallback(o: FallbackObservation): void {
    this.llmFallbacks.labels(providerLabel(o.from), providerLabel(o.to), o.reason).inc();
  }

  /** The platform key's circuit of this provider closed (healthy) or opened. */
  setProviderHealth(slug: string, healthy: boolean): void {
    const provider = providerLabel(slug);
    this.healthSeen.add(provider);
    this.providerHealth.set({ provider }, healthy ? 1 : 0);
  }

  /** Read from the in-memory catalog at scrape time (also lists the providers llm_provider_health reports). */
  trackProviderStatus(source: () => ReadonlyArray<{ provider: string; status: string }>): void {
    this.statusSource = source;
  }

  /** Measured at scrape time, not on the hot path; a failing source leaves the last values. */
  trackProjectionLag(source: () => Promise<readonly ProjectionLagSample[]>): void {
    this.lagSource = source;
  }

  private modelSeries(provider: string, model: string): ModelSeries {
    let byModel = this.series.get(provider);
    if (!byModel) {
      byModel = new Map();
      this.series.set(provider, byModel);
    }
    let s = byModel.get(model);
    if (!s) {
      s = {
        input: this.llmTokens.labels(provider, model, 'input'),
        output: this.llmTokens.labels(provider, model, 'output'),
        cached: this.llmTokens.labels(provider, model, 'cached'),
        reasoning: this.llmTokens.labels(provider, model, 'reasoning'),
        cacheWrite: this.llmTokens.labels(provider, model, 'cache_write'),
        cost: this.llmCost.labels(provider, model),
        ttft: this.llmTimeToFirstToken.labels(provider, model),
        durationStreamed: this.llmRequestDuration.labels(provider, model, 'true'),
        durationUnary: this.llmRequestDuration.labels(provider, model, 'false'),
        powerLevels: new Map(),
      };
      byModel.set(model, s);
    }
    return s;
  }

  private powerLevelSeries(
    s: ModelSeries,
    provider: string,
    model: string,
    powerLevel: string,
  ): PowerLevelSeries {
    let level = s.powerLevels.get(powerLevel);
    if (!level) {
      level = { charge: this.llmCharge.labels(provider, model, powerLevel), byStatus: new Map() };
      s.powerLevels.set(powerLevel, level);
    }
    return level;
  }

  private statusChild(
    level: PowerLevelSeries,
    provider: string,
    model: string,
    powerLevel: string,
    status: string,
  ): CounterChild {
    let child = level.byStatus.get(status);
    if (!child) {
      child = this.llmRequests.labels(provider, model, powerLevel, status);
      level.byStatus.set(status, child);
    }
    return child;
  }
}
