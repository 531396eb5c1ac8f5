import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { healthWindowSpec } from '../../health/health-window';
import { histogramCount, percentilesOf } from '../../health/latency-histogram';
import { readModelTotals } from '../../projections/provider-health/provider-health.reader';
import { ListModelLatencyQuery, type ModelLatency } from './list-model-latency.query';

@QueryHandler(ListModelLatencyQuery)
export class ListModelLatencyHandler implements IQueryHandler<ListModelLatencyQuery> {
  constructor(
    @Inject(KNEX) private readonly knex: Knex,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ window }: ListModelLatencyQuery): Promise<ModelLatency[]> {
    const spec = healthWindowSpec(window, this.clock.now().getTime());
    // per model rows are hourly: a 1h window reads the current hour and the one before
    const rows = await readModelTotals(this.knex, Math.floor(spec.fromMs / 3_600_000) * 3_600_000);
    return rows
      .filter((r) => r.latency !== null)
      .map((r) => ({
        modelId: r.modelId,
        provider: r.provider,
        answered: histogramCount(r.latency!),
        latencyMs: percentilesOf(r.latency!),
      }))
      .sort((a, b) => a.modelId.localeCompare(b.modelId));
  }
}
