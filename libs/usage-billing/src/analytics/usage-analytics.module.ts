import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ExportUsageHandler } from './queries/export-usage/export-usage.handler';
import { GetUsageByKeyHandler } from './queries/get-usage-by-key/get-usage-by-key.handler';
import { GetUsageByUserHandler } from './queries/get-usage-by-user/get-usage-by-user.handler';
import { GetUsageBreakdownHandler } from './queries/get-usage-breakdown/get-usage-breakdown.handler';
import { GetUsageSummaryHandler } from './queries/get-usage-summary/get-usage-summary.handler';
import { GetUsageTimeseriesHandler } from './queries/get-usage-timeseries/get-usage-timeseries.handler';
import { ListUsageRequestsHandler } from './queries/list-usage-requests/list-usage-requests.handler';

/** The usage analytics queries. Needs KNEX from a global module of the app that imports it. */
@Module({
  imports: [CqrsModule],
  providers: [
    GetUsageSummaryHandler,
    GetUsageBreakdownHandler,
    GetUsageByKeyHandler,
    GetUsageByUserHandler,
    GetUsageTimeseriesHandler,
    ListUsageRequestsHandler,
    ExportUsageHandler,
  ],
})
export class UsageAnalyticsModule {}
