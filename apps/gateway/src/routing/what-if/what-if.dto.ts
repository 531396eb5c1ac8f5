import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { POWER_LEVELS, TIERS, type PowerLevel, type Tier } from '@gw/shared-kernel';
import { RoutingPolicyDto } from '../routing-policy.dto';

export const WHAT_IF_SOURCES = ['then', 'now'] as const;
export type WhatIfSource = (typeof WHAT_IF_SOURCES)[number];

/** Which recorded requests to replay (all given must match). */
export class WhatIfFiltersDto {
  @IsOptional() @IsString() @MaxLength(200) userId?: string;
  /** The tier the request was charged at. */
  @IsOptional() @IsIn(TIERS) tier?: Tier;
  /** The model that served it (provider/model id). */
  @IsOptional() @IsString() @MaxLength(300) model?: string;
}

/** POST /api/v1/admin/routing/what-if. */
export class WhatIfDto {
  /** A draft routing policy, as PUT /api/v1/admin/routing/policy takes it (GET's body, `version` too, is fine). */
  // class-validator checks the constraints bottom-up (stopAtFirstError): IsObject first.
  @ValidateNested()
  @Type(() => RoutingPolicyDto)
  @IsObject({
    message: 'policy must be a routing policy object, as GET /api/v1/admin/routing/policy returns',
  })
  @IsDefined()
  policy!: RoutingPolicyDto;
  /** Requests routed at or after this instant, ISO 8601. */
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  @IsDefined()
  from!: string;
  /** …and at or before this one (default now); after `from`, at most 400 days later. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
  /** Replay every matched request at this power level instead of its own. */
  @IsOptional() @IsIn(POWER_LEVELS) powerLevel?: PowerLevel;
  @IsOptional() @ValidateNested() @Type(() => WhatIfFiltersDto) @IsObject() filters?: WhatIfFiltersDto;
  /** `then` (default): the catalog and prices of each request's time; `now`: the current catalog. */
  @IsOptional() @IsIn(WHAT_IF_SOURCES) catalog?: WhatIfSource;
  /** `then` (default): the billing policy each request was charged under; `now`: the current one. */
  @IsOptional() @IsIn(WHAT_IF_SOURCES) billing?: WhatIfSource;
}

/** GET /api/v1/me/what-if?powerLevel=eco&days=30. */
export class MyWhatIfQueryDto {
  @IsIn(POWER_LEVELS) @IsDefined() powerLevel!: PowerLevel;
  /** 1–90, default 30. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(90) days?: number;
}
