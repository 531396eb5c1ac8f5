import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
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
import { CAP_MODES, MAX_KEYS_PER_PROVIDER, type CapMode } from '@gw/accounts';
import { POWER_LEVELS, ROLES, TIERS, type PowerLevel, type Role, type Tier } from '@gw/shared-kernel';

/** POST /api/v1/me/api-keys and POST /api/v1/admin/users/:id/api-keys */
export class CreateApiKeyDto {
  /** What the key is for ("laptop", "CI"); shown in the key list. */
  @IsString() @Length(1, 100) name!: string;
  /**
   * Your password, when you call with an access token whose sign-in is more than 15 minutes old
   * (local sign-in); not needed with a gateway key.
   */
  @IsOptional() @IsString() @Length(1, 1024) password?: string;
}

/** PUT /api/v1/me/settings — only the fields given change. */
export class UpdateSettingsDto {
  @IsOptional() @IsIn(POWER_LEVELS) powerLevel?: PowerLevel;
  /** Integer micro-dollars as a string ("5000000" = $5 a month), or null for no cap. */
  @ValidateIf((o: UpdateSettingsDto) => o.monthlyCapMicros !== null && o.monthlyCapMicros !== undefined)
  @IsString()
  @Matches(/^(0|[1-9]\d{0,18})$/, {
    message: 'monthlyCapMicros must be a whole number of micro-dollars as a string (e.g. "5000000"), or null',
  })
  monthlyCapMicros?: string | null;
  /** soft: warn when the cap is reached; hard: refuse requests beyond it. */
  @IsOptional() @IsIn(CAP_MODES) capMode?: CapMode;
  /** Only your own provider keys, never the platform's. */
  @IsOptional() @IsBoolean() byokOnly?: boolean;
  /** The portal warns below this balance: integer micro-dollars as a string ("2000000" = $2), or null for no warning. */
  @ValidateIf(
    (o: UpdateSettingsDto) => o.lowBalanceAlertMicros !== null && o.lowBalanceAlertMicros !== undefined,
  )
  @IsString()
  @Matches(/^(0|[1-9]\d{0,18})$/, {
    message:
      'lowBalanceAlertMicros must be a whole number of micro-dollars as a string (e.g. "2000000"), or null',
  })
  lowBalanceAlertMicros?: string | null;
}

const Roles = (): PropertyDecorator =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(ROLES.length),
    ArrayUnique(),
    IsIn(ROLES, { each: true }),
  );

/** POST /api/v1/admin/users */
export class CreateUserDto {
  @IsString() @Length(1, 100) name!: string;
  @IsIn(TIERS) tier!: Tier;
  /** Default ["user"]. */
  @IsOptional() @Roles() roles?: Role[];
  /** A local sign-in password (8+ characters); without one the user signs in with gateway keys or OIDC. */
  @IsOptional() @IsString() @Length(8, 1024) password?: string;
  /** The local sign-in name; default: the name in lower case, spaces as dots. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, {
    message: 'username must be 1–100 letters, digits, dots, dashes, underscores or @',
  })
  username?: string;
  @IsOptional() @IsEmail() @MaxLength(254) email?: string;
}

/** PUT /api/v1/admin/users/:id — only the fields given change. */
export class UpdateUserDto {
  @IsOptional() @IsIn(TIERS) tier?: Tier;
  @IsOptional() @Roles() roles?: Role[];
  @IsOptional() @IsBoolean() disabled?: boolean;
}

export class ByokRulesDto {
  @IsBoolean() allowed!: boolean;
  /** Own keys per provider (tried in their priority order); 0 when BYOK is not allowed. */
  @IsInt() @Min(0) @Max(MAX_KEYS_PER_PROVIDER) keysPerProvider!: number;
}

export class TierRulesDto {
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(POWER_LEVELS, { each: true }) powerLevels!: PowerLevel[];
  @IsDefined() @IsObject() @ValidateNested() @Type(() => ByokRulesDto) byok!: ByokRulesDto;
}

export class TierRulesByTierDto {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TierRulesDto) free!: TierRulesDto;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TierRulesDto) starter!: TierRulesDto;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TierRulesDto) professional!: TierRulesDto;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TierRulesDto) enterprise!: TierRulesDto;
}

/** PUT /api/v1/admin/tiers — the whole policy (every tier). */
export class TierPolicyDto {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => TierRulesByTierDto) tiers!: TierRulesByTierDto;
}
