import { Query } from '@nestjs/cqrs';
import type { HealthWindow, ProviderHealthReport } from '../../health/provider-health-report';

/** Every provider's health over the window (from the provider-health read model). */
export class GetProviderHealthReportQuery extends Query<ProviderHealthReport> {
  constructor(readonly window: HealthWindow = '24h') {
    super();
  }
}
