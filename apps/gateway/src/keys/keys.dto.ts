import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_CUSTOM_MODELS, MAX_LABEL_LENGTH, MAX_PRIORITY } from '@gw/keys';

/** POST /api/v1/me/keys */
export class AddKeyDto {
  /** A catalog provider's slug (GET /api/v1/me/keys/providers lists them). */
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,40}$/, { message: 'provider must be a provider slug' })
  provider!: string;
  /** The provider's API key; stored encrypted, only ever shown masked. */
  @IsString() @Length(1, 2_000) apiKey!: string;
  @IsOptional() @IsString() @MaxLength(MAX_LABEL_LENGTH) label?: string;
  /** Lower is tried first; default: after your other keys for the provider. */
  @IsOptional() @IsInt() @Min(0) @Max(MAX_PRIORITY) priority?: number;
  /** Default true: a live call to the provider's model listing first; a key that fails is not stored. */
  @IsOptional() @IsBoolean() validate?: boolean;
  /** provider `custom` only: your OpenAI-compatible endpoint's API root, e.g. https://llm.example.com/v1 */
  @IsOptional() @IsString() @MaxLength(500) baseUrl?: string;
  /** provider `custom` only: the endpoint's model ids (1 to 50); you name them as `custom-<id>/<model>`. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_CUSTOM_MODELS) @IsString({ each: true }) models?: string[];
}

/** POST /api/v1/me/keys/test — a live check of a key before it is added; nothing is stored. */
export class CheckKeyDto {
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{1,40}$/, { message: 'provider must be a provider slug' })
  provider!: string;
  @IsString() @Length(1, 2_000) apiKey!: string;
  /** provider `custom` only, as when adding. */
  @IsOptional() @IsString() @MaxLength(500) baseUrl?: string;
  /** provider `custom` only, as when adding. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_CUSTOM_MODELS) @IsString({ each: true }) models?: string[];
}

/** PATCH /api/v1/me/keys/:id — only the fields given change. */
export class ChangeKeyDto {
  @IsOptional() @IsString() @MaxLength(MAX_LABEL_LENGTH) label?: string;
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_PRIORITY) priority?: number;
}

/** POST /api/v1/me/keys/:id/rotate */
export class RotateKeyDto {
  @IsString() @Length(1, 2_000) apiKey!: string;
  /** Default true, as when adding. */
  @IsOptional() @IsBoolean() validate?: boolean;
}
