import { Type } from 'class-transformer';
import { JSONSchema } from 'class-validator-jsonschema';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
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
  DEFAULT_BALANCING,
  DEFAULT_LATENCY_CAPS_MS,
  DEFAULT_PREFERENCE_BONUS,
  DEFAULT_REQUEST_DEADLINE_MS,
  FALLBACK_REASONS,
  isPresetStrategy,
  ROUTING_POLICY_LIMITS,
  ROUTING_STRATEGIES,
  STRATEGY_PRESETS,
  type BalancingPolicy,
  type FallbackReason,
  type PowerLevelPolicy,
  type ProviderRateLimit,
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
  /**
   * Latency cap, ms: how long an attempt may take to start answering before the next candidate is
   * tried. Absent: the level's default (eco 10,000, balanced 5,000, precision 2,000).
   */
  @IsOptional()
  @IsInt()
  @Min(ROUTING_POLICY_LIMITS.latencyCapMs.min)
  @Max(ROUTING_POLICY_LIMITS.latencyCapMs.max)
  latencyCapMs?: number;
  /** Explicit fallback chain: model ids in the order to try them. Absent or empty: the score order. */
  @IsOptional()
  @IsString({ each: true })
  @ArrayMaxSize(ROUTING_POLICY_LIMITS.chainLength)
  @IsArray()
  chain?: string[];
}

export class BalancingDto {
  @IsBoolean() enabled!: boolean;
  /** 0–50 (default 2): candidates within this % of the best score share the traffic. */
  @IsOptional() @IsNumber() @Min(0) @Max(50) bandPercent?: number;
  /** Weight per model id or provider id (default 1; 0 takes it out of the draw). */
  @JSONSchema({ type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 1000 } })
  @IsOptional()
  @IsObject()
  weights?: Record<string, number>;
}

export class LevelsDto {
  @ValidateNested() @Type(() => PowerLevelPolicyDto) @IsDefined() eco!: PowerLevelPolicyDto;
  @ValidateNested() @Type(() => PowerLevelPolicyDto) @IsDefined() balanced!: PowerLevelPolicyDto;
  @ValidateNested() @Type(() => PowerLevelPolicyDto) @IsDefined() precision!: PowerLevelPolicyDto;
}

/** PUT /api/v1/admin/routing/policy: the whole policy (GET returns RoutingPolicyView). */
export class RoutingPolicyDto {
  @ValidateNested() @Type(() => LevelsDto) @IsDefined() levels!: LevelsDto;
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
  /** Score bonus of a level's preferred providers, 0–1 (default 0.05). */
  @IsOptional() @IsNumber() @Min(0) @Max(1) preferenceBonus?: number;
  /** End-to-end deadline of a request, every attempt included, ms (default 120,000). */
  @IsOptional()
  @IsInt()
  @Min(ROUTING_POLICY_LIMITS.requestDeadlineMs.min)
  @Max(ROUTING_POLICY_LIMITS.requestDeadlineMs.max)
  requestDeadlineMs?: number;
  /** Named use cases and their fallback chains (model ids), e.g. `{"code": ["openai/gpt-4.1", …]}`. */
  @JSONSchema({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 10 },
  })
  @IsOptional()
  @IsObject()
  useCases?: Record<string, string[]>;
  @IsOptional() @ValidateNested() @Type(() => BalancingDto) balancing?: BalancingDto;
  /** Per provider id: what its upstream account allows per minute, e.g. `{"openai": {"rpm": 500}}`. */
  @JSONSchema({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { rpm: { type: 'integer', minimum: 1 }, tpm: { type: 'integer', minimum: 1 } },
      additionalProperties: false,
    },
  })
  @IsOptional()
  @IsObject()
  providerLimits?: Record<string, ProviderRateLimit>;
}

const shapeError = (param: string, message: string): never => {
  throw new ValidationError('REQUEST.INVALID_PARAMETER', message, { param });
};

/** `useCases` as the domain reads it: each value an array of strings (the decider checks the rest). */
// Records are rebuilt with Object.fromEntries (own properties only: a "__proto__" key stays a key,
// and the decider refuses it by name).
const useCasesOf = (raw: Record<string, unknown> | undefined): Record<string, readonly string[]> =>
  Object.fromEntries(
    Object.entries(raw ?? {}).map(([name, chain]) => {
      if (!Array.isArray(chain) || chain.some((m) => typeof m !== 'string'))
        shapeError(`useCases.${name}`, `useCases.${name} must be an array of model ids`);
      return [name, chain as string[]];
    }),
  );

const weightsMap = (raw: Record<string, unknown> | undefined): Record<string, number> =>
  Object.fromEntries(
    Object.entries(raw ?? {}).map(([key, w]) => {
      if (typeof w !== 'number') shapeError(`balancing.weights.${key}`, 'balancing weights must be numbers');
      return [key, w as number];
    }),
  );

const balancingOf = (dto: BalancingDto | undefined): BalancingPolicy =>
  dto
    ? {
        enabled: dto.enabled,
        bandPercent: dto.bandPercent ?? DEFAULT_BALANCING.bandPercent,
        weights: weightsMap(dto.weights),
      }
    : DEFAULT_BALANCING;

const providerLimitsOf = (raw: Record<string, unknown> | undefined): Record<string, ProviderRateLimit> =>
  Object.fromEntries(
    Object.entries(raw ?? {}).map(([provider, limit]) => [provider, providerLimitOf(provider, limit)]),
  );

function providerLimitOf(provider: string, limit: unknown): ProviderRateLimit {
  if (typeof limit !== 'object' || limit === null || Array.isArray(limit))
    shapeError(
      `providerLimits.${provider}`,
      `providerLimits.${provider} must be an object with rpm and/or tpm`,
    );
  const { rpm, tpm, ...rest } = limit as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined)
    shapeError(`providerLimits.${provider}.${extra}`, `providerLimits.${provider} takes only rpm and tpm`);
  for (const [key, v] of [
    ['rpm', rpm],
    ['tpm', tpm],
  ] as const)
    if (v !== undefined && typeof v !== 'number')
      shapeError(`providerLimits.${provider}.${key}`, `providerLimits.${provider}.${key} must be a number`);
  return {
    ...(rpm !== undefined && { rpm: rpm as number }),
    ...(tpm !== undefined && { tpm: tpm as number }),
  };
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
    latencyCapMs: l.latencyCapMs ?? DEFAULT_LATENCY_CAPS_MS[level],
    chain: l.chain ?? [],
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
  preferenceBonus: dto.preferenceBonus ?? DEFAULT_PREFERENCE_BONUS,
  requestDeadlineMs: dto.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS,
  useCases: useCasesOf(dto.useCases),
  balancing: balancingOf(dto.balancing),
  providerLimits: providerLimitsOf(dto.providerLimits),
});

export interface PowerLevelPolicyView {
  readonly strategy: RoutingStrategy;
  readonly weights: RoutingWeights;
  readonly maxPricePer1kMicros: string;
  readonly latencyBoundMs: number;
  readonly preferredProviders: string[];
  readonly latencyCapMs: number;
  readonly chain: string[];
}

export interface BalancingView {
  readonly enabled: boolean;
  readonly bandPercent: number;
  readonly weights: Record<string, number>;
}

export interface ProviderRateLimitView {
  readonly rpm?: number;
  readonly tpm?: number;
}

/** GET (and the PUT's answer): the policy in force; a valid PUT body once `version` is removed. */
export interface RoutingPolicyView {
  readonly version: number;
  readonly levels: Record<PowerLevel, PowerLevelPolicyView>;
  readonly maxAttempts: number;
  readonly attemptTimeoutMs: number;
  readonly byokBonus: number;
  readonly fallbackOn: FallbackReason[];
  readonly preferenceBonus: number;
  readonly requestDeadlineMs: number;
  readonly useCases: Record<string, string[]>;
  readonly balancing: BalancingView;
  readonly providerLimits: Record<string, ProviderRateLimitView>;
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
          latencyCapMs: l.latencyCapMs,
          chain: [...l.chain],
        },
      ];
    }),
  ) as Record<PowerLevel, PowerLevelPolicyView>,
  maxAttempts: p.maxAttempts,
  attemptTimeoutMs: p.attemptTimeoutMs,
  byokBonus: p.byokBonus,
  fallbackOn: [...p.fallbackOn],
  preferenceBonus: p.preferenceBonus,
  requestDeadlineMs: p.requestDeadlineMs,
  useCases: Object.fromEntries(Object.entries(p.useCases).map(([name, chain]) => [name, [...chain]])),
  balancing: { ...p.balancing, weights: { ...p.balancing.weights } },
  providerLimits: Object.fromEntries(Object.entries(p.providerLimits).map(([k, v]) => [k, { ...v }])),
});
