import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsObject, IsOptional, Min, ValidateNested } from 'class-validator';

/** One tier's limits; a field left out keeps its value, null = unlimited. */
export class WindowLimitsDto {
  /** Requests per minute. */
  @IsOptional() @IsInt() @Min(0) rpm?: number | null;
  /** Requests per hour. */
  @IsOptional() @IsInt() @Min(0) rph?: number | null;
  /** Requests per day. */
  @IsOptional() @IsInt() @Min(0) rpd?: number | null;
  /** Tokens per minute (prompt estimate + requested max output, counted at admission). */
  @IsOptional() @IsInt() @Min(0) tpm?: number | null;
}

export class RateLimitsByTierDto {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => WindowLimitsDto) free?: WindowLimitsDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => WindowLimitsDto) starter?: WindowLimitsDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => WindowLimitsDto) professional?: WindowLimitsDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => WindowLimitsDto) enterprise?: WindowLimitsDto;
}

/** PUT /api/v1/admin/limits — changes only the tiers and fields it gives. */
export class RateLimitsDto {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => RateLimitsByTierDto) tiers!: RateLimitsByTierDto;
}
