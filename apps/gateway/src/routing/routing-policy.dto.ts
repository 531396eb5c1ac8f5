import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { PowerLevel } from '@gw/shared-kernel';
import type { PowerLevelPolicy, RoutingPolicy } from '@gw/routing';

export class WeightsDto {
  @IsNumber() @Min(0) @Max(1) cost!: number;
  @IsNumber() @Min(0) @Max(1) latency!: number;
  @IsNumber() @Min(0) @Max(1) quality!: number;
}

export class PowerLevelPolicyDto {
  @ValidateNested() @Type(() => WeightsDto) weights!: WeightsDto;
  /** Max blended price per 1K tokens, integer micro-dollars as a string ("1000" = $0.001). */
  @IsString() @Matches(/^\d{1,15}$/) maxPricePer1kMicros!: string;
  @IsInt() @Min(1) @Max(600_000) latencyBoundMs!: number;
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) preferredProviders!: string[];
}

export class LevelsDto {
  @ValidateNested() @Type(() => PowerLevelPolicyDto) eco!: PowerLevelPolicyDto;
  @ValidateNested() @Type(() => PowerLevelPolicyDto) balanced!: PowerLevelPolicyDto;
  @ValidateNested() @Type(() => PowerLevelPolicyDto) precision!: PowerLevelPolicyDto;
}

/** PUT /api/v1/admin/routing/policy: the whole policy (GET returns the same shape plus `version`). */
export class RoutingPolicyDto {
  @ValidateNested() @Type(() => LevelsDto) levels!: LevelsDto;
  @IsInt() @Min(1) @Max(10) maxAttempts!: number;
  @IsInt() @Min(1_000) @Max(600_000) attemptTimeoutMs!: number;
  @IsNumber() @Min(0) @Max(1) byokBonus!: number;
}

const levelToDomain = (l: PowerLevelPolicyDto): PowerLevelPolicy => ({
  weights: { cost: l.weights.cost, latency: l.weights.latency, quality: l.weights.quality },
  maxPricePer1k: BigInt(l.maxPricePer1kMicros),
  latencyBoundMs: l.latencyBoundMs,
  preferredProviders: l.preferredProviders,
});

export const policyFromDto = (dto: RoutingPolicyDto): Omit<RoutingPolicy, 'version'> => ({
  levels: {
    eco: levelToDomain(dto.levels.eco),
    balanced: levelToDomain(dto.levels.balanced),
    precision: levelToDomain(dto.levels.precision),
  },
  maxAttempts: dto.maxAttempts,
  attemptTimeoutMs: dto.attemptTimeoutMs,
  byokBonus: dto.byokBonus,
});

export interface RoutingPolicyView extends RoutingPolicyDto {
  readonly version: number;
}

export const policyToView = (p: RoutingPolicy): RoutingPolicyView => ({
  version: p.version,
  levels: Object.fromEntries(
    (['eco', 'balanced', 'precision'] as const).map((level: PowerLevel) => {
      const l = p.levels[level];
      return [
        level,
        {
          weights: { ...l.weights },
          maxPricePer1kMicros: l.maxPricePer1k.toString(),
          latencyBoundMs: l.latencyBoundMs,
          preferredProviders: [...l.preferredProviders],
        },
      ];
    }),
  ) as unknown as LevelsDto,
  maxAttempts: p.maxAttempts,
  attemptTimeoutMs: p.attemptTimeoutMs,
  byokBonus: p.byokBonus,
});
