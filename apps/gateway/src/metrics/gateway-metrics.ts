import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics. Labels are low-cardinality and never carry secrets or user ids. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'switchyard_chat_requests_total',
    help: 'Chat completion requests by outcome',
    labelNames: ['provider', 'model', 'outcome', 'streamed'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'switchyard_chat_request_duration_seconds',
    help: 'Time from request to last byte',
    labelNames: ['provider', 'streamed'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: 'switchyard_tokens_total',
    help: 'Tokens by direction',
    labelNames: ['provider', 'model', 'direction'] as const,
    registers: [this.registry],
  });
  readonly costMicros = new Counter({
    name: 'switchyard_provider_cost_micros_total',
    help: 'Provider cost in micro-dollars',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });
  readonly fallbacks = new Counter({
    name: 'switchyard_fallbacks_total',
    help: 'Fallback hops by reason',
    labelNames: ['from_provider', 'reason'] as const,
    registers: [this.registry],
  });
  readonly providerUp = new Gauge({
    name: 'switchyard_provider_up',
    help: 'Provider circuit closed (1) or open (0), as this instance sees it',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });
  readonly eventWrites = new Histogram({
    name: 'switchyard_event_commit_duration_seconds',
    help: 'Time to commit a request’s events (group commit)',
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  private lagSource: (() => Promise<ReadonlyArray<{ projection: string; eventsBehind: number }>>) | undefined;
  readonly projectionLag = new Gauge({
    name: 'switchyard_projection_lag_events',
    help: 'Events appended but not yet applied, per projection (in-process projections only; counted up to 1000)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
    collect: async () => {
      if (!this.lagSource) return;
      for (const { projection, eventsBehind } of await this.lagSource())
        this.projectionLag.set({ projection }, eventsBehind);
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

  /** Read from the in-memory catalog at scrape time. */
  trackProviderStatus(source: () => ReadonlyArray<{ provider: string; status: string }>): void {
    this.statusSource = source;
  }

  /** Measured at scrape time, not on the hot path. */
  trackProjectionLag(
    source: () => Promise<ReadonlyArray<{ projection: string; eventsBehind: number }>>,
  ): void {
    this.lagSource = source;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
  }
}
