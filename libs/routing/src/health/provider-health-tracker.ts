import type { ProviderHealthView } from '../ranking/rank-candidates';

const ALPHA = 0.1;

/**
 * Passive health from live traffic, in memory: an exponentially weighted error rate per provider and
 * latency per model. The circuit breaker and ProviderDegraded events build on this (routing issue).
 */
export class ProviderHealthTracker implements ProviderHealthView {
  private readonly errors = new Map<string, number>();
  private readonly latencies = new Map<string, number>();

  recordSuccess(provider: string, modelId: string, latencyMs: number): void {
    this.errors.set(provider, (this.errors.get(provider) ?? 0) * (1 - ALPHA));
    const prev = this.latencies.get(modelId);
    this.latencies.set(modelId, prev === undefined ? latencyMs : prev * (1 - ALPHA) + latencyMs * ALPHA);
  }

  recordFailure(provider: string): void {
    this.errors.set(provider, (this.errors.get(provider) ?? 0) * (1 - ALPHA) + ALPHA);
  }

  errorRate(provider: string): number {
    return this.errors.get(provider) ?? 0;
  }

  latencyMs(modelId: string): number | undefined {
    return this.latencies.get(modelId);
  }

  isAvailable(): boolean {
    return true;
  }
}
