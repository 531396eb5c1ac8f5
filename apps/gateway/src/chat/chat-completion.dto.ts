import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  buildMessage,
  type ValidationOptions,
} from 'class-validator';
import { POWER_LEVELS } from '@gw/shared-kernel';

/** `content` is a string, null (assistant with tool calls) or an array of parts. */
const IsMessageContent = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isMessageContent',
      validator: {
        validate: (value: unknown) =>
          value === null ||
          typeof value === 'string' ||
          (Array.isArray(value) &&
            value.every(
              (p) =>
                typeof p === 'object' && p !== null && typeof (p as { type?: unknown }).type === 'string',
            )),
        defaultMessage: buildMessage(
          (prefix) => `${prefix}$property must be a string, null, or an array of content parts`,
          options,
        ),
      },
    },
    options,
  );

/** `stop` is a string or up to 4 strings. */
const IsStop = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isStop',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' ||
          (Array.isArray(value) && value.length <= 4 && value.every((s) => typeof s === 'string')),
        defaultMessage: buildMessage(
          (prefix) => `${prefix}$property must be a string or an array of at most 4 strings`,
          options,
        ),
      },
    },
    options,
  );

const IsToolChoice = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isToolChoice',
      validator: {
        validate: (value: unknown) =>
          value === 'none' ||
          value === 'auto' ||
          value === 'required' ||
          (typeof value === 'object' &&
            value !== null &&
            (value as { type?: unknown }).type === 'function' &&
            typeof (value as { function?: { name?: unknown } }).function?.name === 'string'),
        defaultMessage: buildMessage(
          (prefix) =>
            `${prefix}$property must be "none", "auto", "required" or {"type":"function","function":{"name":…}}`,
          options,
        ),
      },
    },
    options,
  );

export class ChatMessageDto {
  @IsIn(['system', 'developer', 'user', 'assistant', 'tool'])
  role!: string;

  @IsOptional()
  @IsMessageContent()
  content?: unknown;

  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsArray()
  tool_calls?: unknown[];

  @IsOptional()
  @IsString()
  tool_call_id?: string;
}

export class FunctionDefinitionDto {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  name!: string;

  @IsOptional()
  @IsString()
  description?: string;

  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;
}

export class ToolDto {
  @Equals('function')
  type!: 'function';

  @ValidateNested()
  @Type(() => FunctionDefinitionDto)
  function!: FunctionDefinitionDto;
}

export class StreamOptionsDto {
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;
}

/**
 * The OpenAI Chat Completions request, validated. Fields not listed here are passed through to the
 * upstream untouched (providers add their own).
 */
export class ChatCompletionDto {
  @IsString()
  @MinLength(1)
  model!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  messages!: ChatMessageDto[];

  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(128)
  n?: number;

  @IsOptional()
  @IsStop()
  stop?: string | string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  max_completion_tokens?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  top_p?: number;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @ValidateNested({ each: true })
  @Type(() => ToolDto)
  tools?: ToolDto[];

  @IsOptional()
  @IsToolChoice()
  tool_choice?: unknown;

  @IsOptional()
  @IsObject()
  response_format?: { type?: string };

  /** Switchyard extension: eco, balanced or precision (the X-Power-Level header wins). */
  @IsOptional()
  @IsIn(POWER_LEVELS)
  power_level?: string;
}
