import { applyDecorators, Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccessDirectory, type Principal } from '@gw/accounts';
import type {
  UsageBreakdown,
  UsageRequestsPage,
  UsageScope,
  UsageSummary,
  UsageTimeseries,
} from '@gw/usage-billing';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { toUsageByUserView, type UsageByUserView } from './admin-usage.views';
import {
  AdminUsageByUserDto,
  AdminUsageExportDto,
  AdminUsageRangeDto,
  AdminUsageRequestsDto,
  AdminUsageTimeseriesDto,
  UsageExportDto,
  UsageRangeDto,
  UsageRequestsDto,
  UsageTimeseriesDto,
} from './usage-analytics.dto';
import { readQuery, UsageAnalyticsReader } from './usage-analytics.reader';
import { ApiExport, ApiView } from '../http/openapi-views';

const RANGE = [
  ApiQuery({
    name: 'from',
    required: false,
    description: 'ISO 8601, inclusive; default 30 days before `to`',
  }),
  ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive; default now' }),
];
const USER = ApiQuery({ name: 'userId', required: false, description: 'one user; absent: every user' });
const BUCKET = ApiQuery({ name: 'bucket', required: false, enum: ['hour', 'day'] });
const PAGE = [
  ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 50' }),
  ApiQuery({ name: 'cursor', required: false, description: 'the `nextCursor` of the previous page' }),
];
const FORMAT = [
  ApiQuery({ name: 'format', required: false, enum: ['csv', 'json'] }),
  ApiProduces('text/csv', 'application/json'),
];

/** The caller's own usage analytics (money as integer micro-dollar strings; days and hours in UTC). */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/usage')
@UseGuards(GatewayKeyGuard)
export class MeUsageAnalyticsController {
  constructor(@Inject(UsageAnalyticsReader) private readonly reader: UsageAnalyticsReader) {}

  private scope = (p: Principal): UsageScope => ({ kind: 'user', userId: p.userId });

  /** Totals, BYOK vs platform share, fallback and failure rate, average latency and time to first token. */
  @applyDecorators(...RANGE)
  @ApiView('UsageSummary')
  @Get('summary')
  summary(@CurrentPrincipal() p: Principal, @Query() q: unknown): Promise<UsageSummary> {
    return this.reader.summary(this.scope(p), readQuery(UsageRangeDto, q));
  }

  @applyDecorators(...RANGE)
  @ApiView('UsageBreakdown')
  @Get('by-provider')
  byProvider(@CurrentPrincipal() p: Principal, @Query() q: unknown): Promise<UsageBreakdown> {
    return this.reader.breakdown(this.scope(p), readQuery(UsageRangeDto, q), 'provider');
  }

  @applyDecorators(...RANGE)
  @ApiView('UsageBreakdown')
  @Get('by-model')
  byModel(@CurrentPrincipal() p: Principal, @Query() q: unknown): Promise<UsageBreakdown> {
    return this.reader.breakdown(this.scope(p), readQuery(UsageRangeDto, q), 'model');
  }

  @applyDecorators(...RANGE)
  @ApiView('UsageBreakdown')
  @Get('by-power-level')
  byPowerLevel(@CurrentPrincipal() p: Principal, @Query() q: unknown): Promise<UsageBreakdown> {
    return this.reader.breakdown(this.scope(p), readQuery(UsageRangeDto, q), 'powerLevel');
  }

  @applyDecorators(...RANGE, BUCKET)
  @ApiView('UsageTimeseries')
  @Get('timeseries')
  timeseries(@CurrentPrincipal() p: Principal, @Query() q: unknown): Promise<UsageTimeseries> {
    return this.reader.timeseries(this.scope(p), readQuery(UsageTimeseriesDto, q));
  }

  /** Newest first, each with the link to its routing explanation. */
  @applyDecorators(...RANGE, ...PAGE)
  @ApiView('UsageRequestsPage')
  @Get('requests')
  requests(@CurrentPrincipal() p: Principal, @Query() q: unknown): Promise<UsageRequestsPage> {
    return this.reader.requests(this.scope(p), readQuery(UsageRequestsDto, q));
  }

  /** Every request in the range, oldest first, streamed (no longest range). */
  @applyDecorators(...RANGE, ...FORMAT)
  @ApiExport('UsageRequestView')
  @Get('export')
  export(@CurrentPrincipal() p: Principal, @Query() q: unknown, @Res() reply: FastifyReply): Promise<void> {
    return this.reader.export(this.scope(p), readQuery(UsageExportDto, q), reply);
  }
}

/** Admin: the same questions across every user, or for one with `userId`. */
@ApiTags('admin: usage')
@ApiBearerAuth()
@Controller('api/v1/admin/usage')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class AdminUsageAnalyticsController {
  constructor(
    @Inject(UsageAnalyticsReader) private readonly reader: UsageAnalyticsReader,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  private scope = (userId: string | undefined): UsageScope =>
    userId === undefined ? { kind: 'all' } : { kind: 'user', userId };

  @applyDecorators(...RANGE, USER)
  @ApiView('UsageSummary')
  @Get('summary')
  summary(@Query() q: unknown): Promise<UsageSummary> {
    const dto = readQuery(AdminUsageRangeDto, q);
    return this.reader.summary(this.scope(dto.userId), dto);
  }

  @applyDecorators(...RANGE, USER)
  @ApiView('UsageBreakdown')
  @Get('by-provider')
  byProvider(@Query() q: unknown): Promise<UsageBreakdown> {
    const dto = readQuery(AdminUsageRangeDto, q);
    return this.reader.breakdown(this.scope(dto.userId), dto, 'provider');
  }

  @applyDecorators(...RANGE, USER)
  @ApiView('UsageBreakdown')
  @Get('by-model')
  byModel(@Query() q: unknown): Promise<UsageBreakdown> {
    const dto = readQuery(AdminUsageRangeDto, q);
    return this.reader.breakdown(this.scope(dto.userId), dto, 'model');
  }

  @applyDecorators(...RANGE, USER)
  @ApiView('UsageBreakdown')
  @Get('by-power-level')
  byPowerLevel(@Query() q: unknown): Promise<UsageBreakdown> {
    const dto = readQuery(AdminUsageRangeDto, q);
    return this.reader.breakdown(this.scope(dto.userId), dto, 'powerLevel');
  }

  /**
   * Top spenders: each user's requests, tokens, provider cost, charge and margin (charge − cost),
   * most charged first, named from the account directory (deleted accounts keep their usage).
   */
  @applyDecorators(
    ...RANGE,
    ApiQuery({ name: 'limit', required: false, description: 'users, 1 to 100, default 20' }),
  )
  @ApiView('UsageByUserView')
  @Get('by-user')
  async byUser(@Query() q: unknown): Promise<UsageByUserView> {
    const result = await this.reader.byUser(readQuery(AdminUsageByUserDto, q));
    return toUsageByUserView(result, (userId) => this.directory.account(userId));
  }

  @applyDecorators(...RANGE, BUCKET, USER)
  @ApiView('UsageTimeseries')
  @Get('timeseries')
  timeseries(@Query() q: unknown): Promise<UsageTimeseries> {
    const dto = readQuery(AdminUsageTimeseriesDto, q);
    return this.reader.timeseries(this.scope(dto.userId), dto);
  }

  @applyDecorators(...RANGE, ...PAGE, USER)
  @ApiView('UsageRequestsPage')
  @Get('requests')
  requests(@Query() q: unknown): Promise<UsageRequestsPage> {
    const dto = readQuery(AdminUsageRequestsDto, q);
    return this.reader.requests(this.scope(dto.userId), dto);
  }

  @applyDecorators(...RANGE, ...FORMAT, USER)
  @ApiExport('UsageRequestView')
  @Get('export')
  export(@Query() q: unknown, @Res() reply: FastifyReply): Promise<void> {
    const dto = readQuery(AdminUsageExportDto, q);
    return this.reader.export(this.scope(dto.userId), dto, reply);
  }
}
