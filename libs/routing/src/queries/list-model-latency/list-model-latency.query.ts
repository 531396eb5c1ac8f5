import { Query } from '@nestjs/cqrs';
import type { HealthWindow, LatencyPercentiles } from '../../health/provider-health-report';

/** A model's answered attempts and their latency over a window (the user catalog's latency column). */
export interface ModelLatency {
  readonly modelId: string;
  readonly provider: string;
  /** Answered attempts with a latency in the window. */
  readonly answered: number;
  readonly latencyMs: LatencyPercentiles;
}

/** Every model with answered attempts in the window (from the provider-health read model). */
export class ListModelLatencyQuery extends Query<ModelLatency[]> {
  constructor(readonly window: HealthWindow = '24h') {
    super();
  }
}
