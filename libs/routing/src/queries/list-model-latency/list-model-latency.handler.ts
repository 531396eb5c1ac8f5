import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { healthWindowSpec } from '../../health/health-window';
import {
  emptyHistogram,
  histogramCount,
  mergeHistogram,
  percentilesOf,
} from '../../health/latency-histogram';
import { readHealthRows } from '../../projections/provider-health/provider-health.reader';
import { ListModelLatencyQuery, type ModelLatency } from './list-model-latency.query';

@QueryHandler(ListModelLatencyQuery)
export class ListModelLatencyHandler implements IQueryHandler<ListModelLatencyQuery> {
  constructor(
    @Inject(KNEX) private readonly knex: Knex,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ window }: ListModelLatencyQuery): Promise<ModelLatency[]> {
    const spec = healthWindowSpec(window, this.clock.now().getTime());
    const rows = await readHealthRows(this.knex, spec.resolution, spec.fromMs, { histograms: 'latency' });
    const models = new Map<string, { provider: string; latency: number[] }>();
    for (const row of rows) {
      if (!row.latency) continue;
      let m = models.get(row.modelId);
      if (!m) models.set(row.modelId, (m = { provider: row.provider, latency: emptyHistogram() }));
      mergeHistogram(m.latency, row.latency);
    }
    return [...models.entries()]
      .map(([modelId, m]) => ({
        modelId,
        provider: m.provider,
        answered: histogramCount(m.latency),
        latencyMs: percentilesOf(m.latency),
      }))
      .sort((a, b) => a.modelId.localeCompare(b.modelId));
  }
}
