import { Controller, Get, Header, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsProblemFilter } from './metrics-problem.filter';
import { MetricsGuard } from './metrics.guard';

/** Prometheus exposition (docs/operations.md § Metrics); METRICS_TOKEN or an admin key outside embedded mode. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('metrics')
@UseGuards(MetricsGuard)
@UseFilters(MetricsProblemFilter)
export class MetricsController {
  constructor(@Inject(GatewayMetrics) private readonly metrics: GatewayMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
