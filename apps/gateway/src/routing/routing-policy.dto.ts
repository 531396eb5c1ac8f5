import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { POWER_LEVELS, ValidationError, type PowerLevel } from '@gw/shared-kernel';
import {
  FALLBACK_REASONS,
  isPresetStrategy,
  ROUTING_STRATEGIES,
  STRATEGY_PRESETS,
  type FallbackReason,
  type PowerLevelPolicy,
  type RoutingPolicy,
  type RoutingStrategy,
  type RoutingWeights,
} from '@gw/routing';

export class WeightsDto {
  @IsNumber() @Min(0) @Max(1) cost!: number;
  @IsNumber() @Min(0) @Max(1) latency!: number;
  @IsNumber() @Min(0) @Max(1) quality!: number;
}

export class PowerLevelPolicyDto {
  /**
   * `cost`, `latency` or `balanced`: the preset's weights (leave `weights` out, or repeat them exactly).
   * `custom`, or no strategy at all: the `weights` given.
   */
  @IsOptional() @IsIn(ROUTING_STRATEGIES) strategy?: RoutingStrategy;
  @ValidateIf((l: PowerLevelPolicyDto) => l.weights !== undefined || !l.strategy || l.strategy === 'custom')
  @IsDefined({ message: '$property is required unless strategy is cost, latency or balanced' })
  @ValidateNested()
  @Type(() => WeightsDto)
  weights?: WeightsDto;
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

/** PUT /api/v1/admin/routing/policy: the whole policy (GET returns RoutingPolicyView). */
export class RoutingPolicyDto {
  @ValidateNested() @Type(() => LevelsDto) levels!: LevelsDto;
  @IsInt() @Min(1) @Max(10) maxAttempts!: number;
  @IsInt() @Min(1_000) @Max(600_000) attemptTimeoutMs!: number;
  @IsNumber() @Min(0) @Max(1) byokBonus!: number;
  /** Upstream failures that try the next candidate; absent = all of them. `[]` = never fall back. */
  // class-validator checks the constraints bottom-up (stopAtFirstError): IsArray first.
  @IsOptional()
  @IsIn(FALLBACK_REASONS, {
    each: true,
    message: `$property may only list ${FALLBACK_REASONS.join(', ')} (a bad_request, not_found or interrupted stream never falls back)`,
  })
  @ArrayMaxSize(20)
  @IsArray()
  fallbackOn?: FallbackReason[];
}

/** Given weights, or the preset's when a preset strategy comes without them (validateDto ensures one). */
function weightsOf(level: PowerLevel, l: PowerLevelPolicyDto, strategy: RoutingStrategy): RoutingWeights {
  if (l.weights) return { cost: l.weights.cost, latency: l.weights.latency, quality: l.weights.quality };
  if (isPresetStrategy(strategy)) return { ...STRATEGY_PRESETS[strategy] };
  throw new ValidationError('REQUEST.INVALID_PARAMETER', `levels.${level}.weights is required for custom`, {
    param: `levels.${level}.weights`,
  });
}

const levelToDomain = (level: PowerLevel, l: PowerLevelPolicyDto): PowerLevelPolicy => {
  // No strategy but weights: today's (pre-preset) body, so custom.
  const strategy = l.strategy ?? 'custom';
  return {
    strategy,
    weights: weightsOf(level, l, strategy),
    maxPricePer1k: BigInt(l.maxPricePer1kMicros),
    latencyBoundMs: l.latencyBoundMs,
    preferredProviders: l.preferredProviders,
  };
};

export const policyFromDto = (dto: RoutingPolicyDto): Omit<RoutingPolicy, 'version'> => ({
  levels: {
    eco: levelToDomain('eco', dto.levels.eco),
    balanced: levelToDomain('balanced', dto.levels.balanced),
    precision: levelToDomain('precision', dto.levels.precision),
  },
  maxAttempts: dto.maxAttempts,
  attemptTimeoutMs: dto.attemptTimeoutMs,
  byokBonus: dto.byokBonus,
  fallbackOn: dto.fallbackOn ?? FALLBACK_REASONS,
});

export interface PowerLevelPolicyView {
  readonly strategy: RoutingStrategy;
  readonly weights: RoutingWeights;
  readonly maxPricePer1kMicros: string;
  readonly latencyBoundMs: number;
  readonly preferredProviders: string[];
}

/** GET (and the PUT's answer): the policy in force; a valid PUT body once `version` is removed. */
export interface RoutingPolicyView {
  readonly version: number;
  readonly levels: Record<PowerLevel, PowerLevelPolicyView>;
  readonly maxAttempts: number;
  readonly attemptTimeoutMs: number;
  readonly byokBonus: number;
  readonly fallbackOn: FallbackReason[];
}

export const policyToView = (p: RoutingPolicy): RoutingPolicyView => ({
  version: p.version,
  levels: Object.fromEntries(
    POWER_LEVELS.map((level): [PowerLevel, PowerLevelPolicyView] => {
      const l = p.levels[level];
      return [
        level,
        {
          strategy: l.strategy,
          weights: { ...l.weights },
          maxPricePer1kMicros: l.maxPricePer1k.toString(),
          latencyBoundMs: l.latencyBoundMs,
          preferredProviders: [...l.preferredProviders],
        },
      ];
    }),
  ) as Record<PowerLevel, PowerLevelPolicyView>,
  maxAttempts: p.maxAttempts,
  attemptTimeoutMs: p.attemptTimeoutMs,
  byokBonus: p.byokBonus,
  fallbackOn: [...p.fallbackOn],
});
