import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChangeRoutingPolicyHandler } from './commands/change-routing-policy/change-routing-policy.handler';
import { GetRequestExplanationHandler } from './queries/get-request-explanation/get-request-explanation.handler';
import { GetProviderHealthDetailHandler } from './queries/get-provider-health-detail/get-provider-health-detail.handler';
import { GetProviderHealthReportHandler } from './queries/get-provider-health-report/get-provider-health-report.handler';
import { ListModelLatencyHandler } from './queries/list-model-latency/list-model-latency.handler';
import { GetRoutingPolicyHistoryHandler } from './queries/get-routing-policy-history/get-routing-policy-history.handler';

/**
 * Needs KNEX, EVENT_STORE, CLOCK and PROVIDER_HEALTH_DIRECTORY from a global module of the app that
 * imports it (and the catalog's ListProviderHealthChangesQuery on the query bus).
 */
@Module({
  imports: [CqrsModule],
  providers: [
    GetRequestExplanationHandler,
    ChangeRoutingPolicyHandler,
    GetRoutingPolicyHistoryHandler,
    GetProviderHealthReportHandler,
    GetProviderHealthDetailHandler,
    ListModelLatencyHandler,
  ],
})
export class RoutingModule {}
