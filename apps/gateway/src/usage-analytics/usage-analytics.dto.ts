import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { ALL_USERS, MAX_REQUESTS_PAGE, MAX_TOP_USERS } from '@gw/usage-billing';

/**
 * Query parameters of GET /api/v1/{me,admin}/usage/…. `from`/`to` are checked as ISO 8601 by
 * resolveUsageRange (a 400 naming the parameter); here they only have to be text.
 */
export class UsageRangeDto {
  /** Start, inclusive: ISO 8601 date (UTC midnight) or date-time. Default: 30 days before `to`. */
  @IsOptional() @IsString() @MaxLength(40) from?: string;
  /** End, exclusive: ISO 8601 date or date-time. Default: now. */
  @IsOptional() @IsString() @MaxLength(40) to?: string;
}

export class UsageTimeseriesDto extends UsageRangeDto {
  /** hour or day (UTC); default day. */
  @IsOptional() @IsIn(['hour', 'day']) bucket?: 'hour' | 'day';
}

export class UsageRequestsDto extends UsageRangeDto {
  /** Page size, 1 to 100 (default 50). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_REQUESTS_PAGE) limit?: number;
  /** The `nextCursor` of the previous page. */
  @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

export class UsageExportDto extends UsageRangeDto {
  /** csv (RFC 4180, UTF-8 with BOM, CRLF) or json (one array); default csv. */
  @IsOptional() @IsIn(['csv', 'json']) format?: 'csv' | 'json';
}

const UserId = (): PropertyDecorator => (target, key) => {
  IsOptional()(target, key);
  IsString()(target, key);
  Length(1, 200)(target, key);
  // '*' is the rollups' row for every user together, never a user.
  NotEquals(ALL_USERS)(target, key);
};

/** Admin: the same, across all users or for one (`userId`). */
export class AdminUsageRangeDto extends UsageRangeDto {
  @UserId() userId?: string;
}
export class AdminUsageTimeseriesDto extends UsageTimeseriesDto {
  @UserId() userId?: string;
}
export class AdminUsageRequestsDto extends UsageRequestsDto {
  @UserId() userId?: string;
}
export class AdminUsageExportDto extends UsageExportDto {
  @UserId() userId?: string;
}

/** Admin by-user (top spenders): the range, and how many users (1 to 100, default 20). */
export class AdminUsageByUserDto extends UsageRangeDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_TOP_USERS) limit?: number;
}
