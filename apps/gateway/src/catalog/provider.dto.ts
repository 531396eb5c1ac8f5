import { applyDecorators } from '@nestjs/common';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import type { ProviderChanges } from '@gw/catalog';
import { PAID_PARAMS, type PaidParam, type ProviderKind, type ProviderSpecData } from '@gw/catalog';

const KINDS: readonly ProviderKind[] = ['openai-compatible', 'anthropic', 'gemini', 'cohere'];

/**
 * Charge-changing request features this provider may receive although the catalog does not price
 * them: service_tier (other than auto/default), store, web_search_options, audio (output) and
 * prediction. Default none: requests asking for them are not routed here.
 */
const AllowedPaidParams = (): PropertyDecorator =>
  applyDecorators(IsOptional(), IsArray(), ArrayUnique(), IsIn(PAID_PARAMS, { each: true }));

/** POST /api/v1/admin/providers */
export class RegisterProviderDto {
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,40}$/, { message: 'slug must be 2–41 lowercase letters, digits or dashes' })
  slug!: string;
  @IsString() @Length(1, 100) name!: string;
  @IsIn(KINDS) kind!: ProviderKind;
  /** The API root including its version path, e.g. https://api.openai.com/v1 */
  @IsString() @MaxLength(500) baseUrl!: string;
  /** Default true; false for servers that take no key (local vLLM, Ollama). */
  @IsOptional() @IsBoolean() requiresKey?: boolean;
  @AllowedPaidParams() allowedPaidParams?: PaidParam[];
  /** Default true. */
  @IsOptional() @IsBoolean() enabled?: boolean;
  /** The platform key; stored encrypted, only ever shown masked. */
  @IsOptional() @IsString() @Length(8, 2_000) apiKey?: string;
}

/** PUT /api/v1/admin/providers/:slug — only the fields given change. */
export class ChangeProviderDto {
  @IsOptional() @IsString() @Length(1, 100) name?: string;
  @IsOptional() @IsIn(KINDS) kind?: ProviderKind;
  @IsOptional() @IsString() @MaxLength(500) baseUrl?: string;
  @IsOptional() @IsBoolean() requiresKey?: boolean;
  @AllowedPaidParams() allowedPaidParams?: PaidParam[];
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsString() @MaxLength(500) disabledReason?: string;
  /** A new platform key, or null to remove it. */
  @JSONSchema({ nullable: true, description: 'A new platform key, or null to remove it.' })
  @ValidateIf((o: ChangeProviderDto) => o.apiKey !== null && o.apiKey !== undefined)
  @IsString()
  @Length(8, 2_000)
  apiKey?: string | null;
}

/** POST /api/v1/admin/providers/:slug/test — optionally try a key before saving it. */
export class TestProviderDto {
  @IsOptional() @IsString() @Length(8, 2_000) apiKey?: string;
}

export const providerSpecFromDto = (dto: RegisterProviderDto): ProviderSpecData => ({
  slug: dto.slug,
  name: dto.name,
  kind: dto.kind,
  baseUrl: dto.baseUrl,
  requiresKey: dto.requiresKey ?? true,
  ...(dto.allowedPaidParams !== undefined && { allowedPaidParams: dto.allowedPaidParams }),
});

export function providerChangesFromDto(dto: ChangeProviderDto): ProviderChanges {
  const spec: Partial<Omit<ProviderSpecData, 'slug'>> = {
    ...(dto.name !== undefined && { name: dto.name }),
    ...(dto.kind !== undefined && { kind: dto.kind }),
    ...(dto.baseUrl !== undefined && { baseUrl: dto.baseUrl }),
    ...(dto.requiresKey !== undefined && { requiresKey: dto.requiresKey }),
    ...(dto.allowedPaidParams !== undefined && { allowedPaidParams: dto.allowedPaidParams }),
  };
  return {
    spec: Object.keys(spec).length > 0 ? spec : undefined,
    enabled: dto.enabled,
    disabledReason: dto.disabledReason,
    apiKey: dto.apiKey,
  };
}
