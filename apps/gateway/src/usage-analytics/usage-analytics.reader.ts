import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import {
  DEFAULT_REQUESTS_PAGE,
  ExportUsageQuery,
  GetUsageBreakdownQuery,
  GetUsageByKeyQuery,
  GetUsageByUserQuery,
  DEFAULT_TOP_USERS,
  GetUsageSummaryQuery,
  GetUsageTimeseriesQuery,
  ListUsageRequestsQuery,
  resolveUsageRange,
  usageExportChunks,
  type UsageBreakdown,
  type UsageByKey,
  type UsageByUser,
  type UsageDimension,
  type UsageRequestsPage,
  type UsageScope,
  type UsageSummary,
  type UsageTimeseries,
} from '@gw/usage-billing';
import { validateInstance } from '../http/validate-dto';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import type {
  AdminUsageByUserDto,
  UsageExportDto,
  UsageRangeDto,
  UsageRequestsDto,
  UsageTimeseriesDto,
} from './usage-analytics.dto';

/** Query strings → validated DTO (unknown parameters are a 400, so a typo is never ignored). */
export function readQuery<T extends object>(cls: ClassConstructor<T>, query: unknown): T {
  const plain = typeof query === 'object' && query !== null ? query : {};
  return validateInstance(plainToInstance(cls, plain), { strict: true });
}

/** What both controllers do once the scope is known: resolve the range, dispatch, map. */
@Injectable()
export class UsageAnalyticsReader {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  summary(scope: UsageScope, dto: UsageRangeDto): Promise<UsageSummary> {
    return this.queries.execute(new GetUsageSummaryQuery(scope, resolveUsageRange(dto, this.clock.now())));
  }

  breakdown(scope: UsageScope, dto: UsageRangeDto, dimension: UsageDimension): Promise<UsageBreakdown> {
    return this.queries.execute(
      new GetUsageBreakdownQuery(scope, resolveUsageRange(dto, this.clock.now()), dimension),
    );
  }

  byKey(scope: UsageScope, dto: UsageRangeDto): Promise<UsageByKey> {
    return this.queries.execute(new GetUsageByKeyQuery(scope, resolveUsageRange(dto, this.clock.now())));
  }

  byUser(dto: AdminUsageByUserDto): Promise<UsageByUser> {
    return this.queries.execute(
      new GetUsageByUserQuery(resolveUsageRange(dto, this.clock.now()), dto.limit ?? DEFAULT_TOP_USERS),
    );
  }

  timeseries(scope: UsageScope, dto: UsageTimeseriesDto): Promise<UsageTimeseries> {
    return this.queries.execute(
      new GetUsageTimeseriesQuery(scope, resolveUsageRange(dto, this.clock.now()), dto.bucket ?? 'day'),
    );
  }

  requests(scope: UsageScope, dto: UsageRequestsDto): Promise<UsageRequestsPage> {
    return this.queries.execute(
      new ListUsageRequestsQuery(
        scope,
        resolveUsageRange(dto, this.clock.now()),
        dto.limit ?? DEFAULT_REQUESTS_PAGE,
        dto.cursor ?? null,
      ),
    );
  }

  /** Streams the export: rows are read page by page while the client reads (never all in memory). */
  async export(scope: UsageScope, dto: UsageExportDto, reply: FastifyReply): Promise<void> {
    const range = resolveUsageRange(dto, this.clock.now(), null);
    const format = dto.format ?? 'csv';
    const { rows } = await this.queries.execute(new ExportUsageQuery(scope, range));
    const stamp = (d: Date): string => d.toISOString().replace(/[:.]/g, '').slice(0, 15);
    const filename = `usage-${stamp(range.from)}-${stamp(range.to)}.${format}`;
    await reply
      .header(
        'content-type',
        format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json; charset=utf-8',
      )
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(usageExportChunks(rows, format)));
  }
}
