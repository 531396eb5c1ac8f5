import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { ModelChanges, ModelSpecData } from '@gw/catalog';
import { POWER_LEVELS, TIERS, type PowerLevel, type Tier } from '@gw/shared-kernel';

const MICROS = /^\d{1,13}$/;
const MICROS_MESSAGE = 'must be whole micro-dollars per million tokens, as a string ("2500000" = $2.50)';

export class LongContextPricesDto {
  @IsInt() @Min(1) @Max(100_000_000) aboveTokens!: number;
  @IsString()
  @Matches(MICROS, { message: `longContext.inputPerMillionMicros ${MICROS_MESSAGE}` })
  inputPerMillionMicros!: string;
  @IsString()
  @Matches(MICROS, { message: `longContext.outputPerMillionMicros ${MICROS_MESSAGE}` })
  outputPerMillionMicros!: string;
}

export class PricesDto {
  @IsString()
  @Matches(MICROS, { message: `inputPerMillionMicros ${MICROS_MESSAGE}` })
  inputPerMillionMicros!: string;
  @IsString()
  @Matches(MICROS, { message: `outputPerMillionMicros ${MICROS_MESSAGE}` })
  outputPerMillionMicros!: string;
  /** Default: the input price. */
  @IsOptional()
  @IsString()
  @Matches(MICROS, { message: `cachedInputPerMillionMicros ${MICROS_MESSAGE}` })
  cachedInputPerMillionMicros?: string;
  /** Prompt tokens written to the provider's cache (Anthropic: 1.25× input). Default: the input price. */
  @IsOptional()
  @IsString()
  @Matches(MICROS, { message: `cacheWritePerMillionMicros ${MICROS_MESSAGE}` })
  cacheWritePerMillionMicros?: string;
  /** Cache writes kept for an hour (Anthropic: 2× input). Default: the cache-write price. */
  @IsOptional()
  @IsString()
  @Matches(MICROS, { message: `cacheWrite1hPerMillionMicros ${MICROS_MESSAGE}` })
  cacheWrite1hPerMillionMicros?: string;
  /** A fee per request (Perplexity's search fee), micro-dollars. Default: none. */
  @IsOptional()
  @IsString()
  @Matches(MICROS, {
    message: 'perRequestMicros must be whole micro-dollars per request, as a string ("5000" = $0.005)',
  })
  perRequestMicros?: string;
  /** Rates for every token of a request whose prompt is longer than `aboveTokens` (Gemini 2.5 Pro). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LongContextPricesDto)
  longContext?: LongContextPricesDto;
}

export class CapabilitiesDto {
  @IsBoolean() streaming!: boolean;
  @IsBoolean() tools!: boolean;
  @IsBoolean() vision!: boolean;
  @IsBoolean() jsonMode!: boolean;
}

export class DeprecationDto {
  /** The model callers should use instead (`provider/model`), or null. */
  @ValidateIf((o: DeprecationDto) => o.replacement !== null) @IsString() @MaxLength(250) replacement!:
    string | null;
}

/** The fields a model has, all optional (PUT) — AddModelDto makes the essential ones required. */
class ModelFieldsDto {
  @IsOptional() @IsString() @Length(1, 100) displayName?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => PricesDto) prices?: PricesDto;
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000) contextWindow?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000) maxOutputTokens?: number;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CapabilitiesDto) capabilities?: CapabilitiesDto;
  @IsOptional() @IsNumber() @Min(0) @Max(1) quality?: number;
  @IsOptional() @IsInt() @Min(1) @Max(600_000) typicalLatencyMs?: number;
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(POWER_LEVELS, { each: true })
  powerLevels?: PowerLevel[];
  @IsOptional() @IsIn(TIERS) minTier?: Tier;
  @IsOptional() @IsBoolean() enabled?: boolean;
}

/** POST /api/v1/admin/models */
export class AddModelDto extends ModelFieldsDto {
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,40}$/, { message: 'provider must be a provider slug' })
  provider!: string;
  /** The provider's own model id, e.g. `gpt-4o-mini` or `meta-llama/Llama-3.3-70B-Instruct-Turbo`. */
  @IsString() @Length(1, 200) model!: string;
  @IsObject() @ValidateNested() @Type(() => PricesDto) declare prices: PricesDto;
  @IsInt() @Min(1) @Max(100_000_000) declare contextWindow: number;
  @IsInt() @Min(1) @Max(100_000_000) declare maxOutputTokens: number;
}

/** PUT /api/v1/admin/models/:provider/:model — only the fields given change. */
export class ChangeModelDto extends ModelFieldsDto {
  @IsOptional() @IsString() @MaxLength(500) disabledReason?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => DeprecationDto) deprecated?: DeprecationDto;
}

const pricesOf = (p: PricesDto): ModelSpecData['prices'] => ({
  inputPerMillion: p.inputPerMillionMicros,
  outputPerMillion: p.outputPerMillionMicros,
  cachedInputPerMillion: p.cachedInputPerMillionMicros ?? p.inputPerMillionMicros,
  cacheWritePerMillion: p.cacheWritePerMillionMicros ?? p.inputPerMillionMicros,
  ...(p.cacheWrite1hPerMillionMicros !== undefined && {
    cacheWrite1hPerMillion: p.cacheWrite1hPerMillionMicros,
  }),
  ...(p.perRequestMicros !== undefined && { perRequest: p.perRequestMicros }),
  ...(p.longContext !== undefined && {
    longContext: {
      aboveTokens: p.longContext.aboveTokens,
      inputPerMillion: p.longContext.inputPerMillionMicros,
      outputPerMillion: p.longContext.outputPerMillionMicros,
    },
  }),
});

const DEFAULT_CAPABILITIES = { streaming: true, tools: false, vision: false, jsonMode: false };

export const modelSpecFromDto = (dto: AddModelDto): ModelSpecData => ({
  provider: dto.provider,
  model: dto.model,
  displayName: dto.displayName ?? dto.model,
  prices: pricesOf(dto.prices),
  contextWindow: dto.contextWindow,
  maxOutputTokens: dto.maxOutputTokens,
  capabilities: dto.capabilities ? { ...dto.capabilities } : DEFAULT_CAPABILITIES,
  quality: dto.quality ?? 0.5,
  typicalLatencyMs: dto.typicalLatencyMs ?? 1_000,
  powerLevels: dto.powerLevels ?? [...POWER_LEVELS],
  minTier: dto.minTier ?? 'free',
});

export function modelChangesFromDto(dto: ChangeModelDto): ModelChanges {
  const spec: Partial<Omit<ModelSpecData, 'provider' | 'model'>> = {
    ...(dto.displayName !== undefined && { displayName: dto.displayName }),
    ...(dto.prices !== undefined && { prices: pricesOf(dto.prices) }),
    ...(dto.contextWindow !== undefined && { contextWindow: dto.contextWindow }),
    ...(dto.maxOutputTokens !== undefined && { maxOutputTokens: dto.maxOutputTokens }),
    ...(dto.capabilities !== undefined && { capabilities: { ...dto.capabilities } }),
    ...(dto.quality !== undefined && { quality: dto.quality }),
    ...(dto.typicalLatencyMs !== undefined && { typicalLatencyMs: dto.typicalLatencyMs }),
    ...(dto.powerLevels !== undefined && { powerLevels: dto.powerLevels }),
    ...(dto.minTier !== undefined && { minTier: dto.minTier }),
  };
  return {
    spec: Object.keys(spec).length > 0 ? spec : undefined,
    enabled: dto.enabled,
    disabledReason: dto.disabledReason,
    deprecation: dto.deprecated ? { replacement: dto.deprecated.replacement } : undefined,
  };
}
