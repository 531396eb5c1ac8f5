import { Query } from '@nestjs/cqrs';
import type { HealthWindow, ProviderHealthDetail } from '../../health/provider-health-report';

/** One provider's health summary and chart series over the window; NotFoundError for an unknown slug. */
export class GetProviderHealthDetailQuery extends Query<ProviderHealthDetail> {
  constructor(
    readonly slug: string,
    readonly window: HealthWindow = '24h',
  ) {
    super();
  }
}
