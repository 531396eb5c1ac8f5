import type { ProviderHealthView } from '../ranking/rank-candidates';
import {
  CircuitBreaker,
  DEFAULT_BREAKER_SETTINGS,
  type BreakerSettings,
  type BreakerState,
  type BreakerTransition,
} from './circuit-breaker';

const ALPHA = 0.1;

export interface ProviderHealthSnapshot {
  readonly provider: string;
  readonly state: BreakerState;
  /** Failures among the breaker's recent window, 0..1. */
  readonly recentErrorRate: number;
  /** Exponentially weighted error rate used by the routing score, 0..1. */
  readonly smoothedErrorRate: number;
  readonly openSince: string | null;
  /** Set while the provider's own retry-after is in force. */
  readonly pausedUntil: string | null;
}

/**
 * Passive health from live traffic, in memory: an exponentially weighted error rate per provider
 * (the routing score's penalty), latency per model, and a circuit breaker per provider whose
 * transitions are reported to `onTransition` (the gateway records them as events). Only failures
 * that say something about the provider count: a request the upstream refused as malformed does not.
 */
export class ProviderHealthTracker implements ProviderHealthView {
  private readonly errors = new Map<string, number>();
  private readonly latencies = new Map<string, number>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** Providers that asked for a pause (429/503 with retry-after): skipped until then. */
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly onTransition: (provider: string, transition: BreakerTransition) => void = () =>
      undefined,
    private readonly settings: BreakerSettings = DEFAULT_BREAKER_SETTINGS,
    private readonly now: () => number = Date.now,
  ) {}

  get cooldownMs(): number {
    return this.settings.cooldownMs;
  }

  recordSuccess(provider: string, modelId: string, latencyMs: number): void {
    this.errors.set(provider, (this.errors.get(provider) ?? 0) * (1 - ALPHA));
    const prev = this.latencies.get(modelId);
    this.latencies.set(modelId, prev === undefined ? latencyMs : prev * (1 - ALPHA) + latencyMs * ALPHA);
    this.report(provider, this.breaker(provider).recordSuccess(this.now()));
  }

  /**
   * @param retryAfterMs the provider's own `retry-after`: routing leaves it alone that long (capped
   *   at the breaker cooldown, so a bogus header cannot take a provider out for hours).
   */
  recordFailure(provider: string, reason: string, retryAfterMs?: number): void {
    this.errors.set(provider, (this.errors.get(provider) ?? 0) * (1 - ALPHA) + ALPHA);
    const now = this.now();
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      this.pausedUntil.set(provider, now + Math.min(retryAfterMs, this.settings.cooldownMs));
    }
    this.report(provider, this.breaker(provider).recordFailure(now, reason));
  }

  /**
   * The outcome of an active probe (a free call such as listing models). Success closes an open
   * circuit; it does not lift a retry-after pause (listing models says nothing of the chat quota).
   * Failure counts like a failed request.
   */
  recordProbe(
    provider: string,
    outcome: { ok: true } | { ok: false; reason: string; retryAfterMs?: number },
  ): void {
    if (!outcome.ok) {
      this.recordFailure(provider, `probe: ${outcome.reason}`, outcome.retryAfterMs);
      return;
    }
    this.errors.set(provider, (this.errors.get(provider) ?? 0) * (1 - ALPHA));
    this.report(provider, this.breaker(provider).recordProbeSuccess(this.now()));
  }

  errorRate(provider: string): number {
    return this.errors.get(provider) ?? 0;
  }

  latencyMs(modelId: string): number | undefined {
    return this.latencies.get(modelId);
  }

  isAvailable(provider: string): boolean {
    const paused = this.pausedUntil.get(provider);
    if (paused !== undefined) {
      if (this.now() < paused) return false;
      this.pausedUntil.delete(provider);
    }
    const breaker = this.breakers.get(provider);
    if (!breaker) return true;
    const { allowed, transition } = breaker.allows(this.now());
    this.report(provider, transition);
    return allowed;
  }

  /** How long until routing may try the provider again (undefined: it may now). */
  unavailableForMs(provider: string): number | undefined {
    const now = this.now();
    const paused = this.pausedUntil.get(provider);
    const breaker = this.breakers.get(provider);
    const openUntil =
      breaker?.current === 'open' && breaker.openSince !== null
        ? breaker.openSince + this.settings.cooldownMs
        : 0;
    const until = Math.max(paused ?? 0, openUntil);
    return until > now ? until - now : undefined;
  }

  snapshot(provider: string): ProviderHealthSnapshot {
    const breaker = this.breakers.get(provider);
    const openSince = breaker?.openSince;
    return {
      provider,
      state: breaker?.current ?? 'closed',
      recentErrorRate: breaker?.errorRate() ?? 0,
      smoothedErrorRate: this.errorRate(provider),
      openSince: openSince === null || openSince === undefined ? null : new Date(openSince).toISOString(),
      pausedUntil: this.pausedUntil.has(provider)
        ? new Date(this.pausedUntil.get(provider)!).toISOString()
        : null,
    };
  }

  private breaker(provider: string): CircuitBreaker {
    let breaker = this.breakers.get(provider);
    if (!breaker) {
      breaker = new CircuitBreaker(this.settings);
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }

  private report(provider: string, transition: BreakerTransition | undefined): void {
    if (transition) this.onTransition(provider, transition);
  }
}
