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
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  buildMessage,
  type ValidationOptions,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
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

/** `function_call` (deprecated): "none", "auto" or `{"name": …}`. */
const IsFunctionCall = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isFunctionCall',
      validator: {
        validate: (value: unknown) =>
          value === 'none' ||
          value === 'auto' ||
          (typeof value === 'object' &&
            value !== null &&
            typeof (value as { name?: unknown }).name === 'string'),
        defaultMessage: buildMessage(
          (prefix) => `${prefix}$property must be "none", "auto" or {"name":…}`,
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

/**
 * One message as the OpenAPI document shows it. The rules per role (which content parts, tool calls,
 * tool results) are enforced with full paths by chat-request-shape.ts, not by these decorators.
 */
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
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, {
    message: '$property must be 1–64 letters, digits, underscores or dashes',
  })
  name!: string;

  @IsOptional()
  @IsString()
  description?: string;

  /** A JSON Schema object. */
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

export class ToolDto {
  @Equals('function')
  type!: 'function';

  @IsObject()
  @ValidateNested()
  @Type(() => FunctionDefinitionDto)
  function!: FunctionDefinitionDto;
}

export class StreamOptionsDto {
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;

  @IsOptional()
  @IsBoolean()
  include_obfuscation?: boolean;
}

const SERVICE_TIERS = ['auto', 'default', 'flex', 'scale', 'priority'];
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];
const VERBOSITIES = ['low', 'medium', 'high'];
const MODALITIES = ['text', 'audio'];
/** No catalog model has a larger window (libs/catalog's validation). */
const MAX_TOKENS = 100_000_000;

/**
 * The OpenAI Chat Completions request, validated: every documented parameter (openai-node's
 * `ChatCompletionCreateParams`) and the `power_level` extension. Nested shapes that need a path in
 * their errors (content parts, tool calls, logit_bias, metadata, response_format, prediction, audio,
 * web_search_options) are checked in chat-request-shape.ts. Fields not listed here are not sent to
 * any upstream; the answer lists them in `x-switchyard-ignored-params`.
 */
export class ChatCompletionDto {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  model!: string;

  @IsArray()
  @ArrayMinSize(1)
  @JSONSchema({ items: { $ref: '#/components/schemas/ChatMessageDto' } })
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
  @Max(MAX_TOKENS)
  max_tokens?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOKENS)
  max_completion_tokens?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  top_p?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-2)
  @Max(2)
  frequency_penalty?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-2)
  @Max(2)
  presence_penalty?: number;

  /** Token id (as a string) → bias from -100 to 100. */
  @IsOptional()
  @IsObject()
  logit_bias?: Record<string, number>;

  @IsOptional()
  @IsBoolean()
  logprobs?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  top_logprobs?: number;

  @IsOptional()
  @IsInt()
  @Min(Number.MIN_SAFE_INTEGER)
  @Max(Number.MAX_SAFE_INTEGER)
  seed?: number;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  safety_identifier?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  prompt_cache_key?: string;

  @IsOptional()
  @IsIn(['in_memory', '24h'])
  prompt_cache_retention?: string;

  @IsOptional()
  @IsObject()
  prompt_cache_options?: Record<string, unknown>;

  /** Up to 16 string values; keys up to 64, values up to 512 characters. */
  @IsOptional()
  @IsObject()
  metadata?: Record<string, string>;

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
  @IsBoolean()
  parallel_tool_calls?: boolean;

  /** Deprecated by OpenAI in favour of tools. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @ValidateNested({ each: true })
  @Type(() => FunctionDefinitionDto)
  functions?: FunctionDefinitionDto[];

  /** Deprecated by OpenAI in favour of tool_choice: "none", "auto" or {"name": …}. */
  @IsOptional()
  @IsFunctionCall()
  function_call?: unknown;

  /** `{"type": "text" | "json_object"}` or `{"type": "json_schema", "json_schema": {"name", "schema"?}}`. */
  @IsOptional()
  @IsObject()
  response_format?: { type?: string; json_schema?: { name?: string; schema?: Record<string, unknown> } };

  @IsOptional()
  @IsIn(REASONING_EFFORTS)
  reasoning_effort?: string;

  @IsOptional()
  @IsIn(VERBOSITIES)
  verbosity?: string;

  /** Paid: anything but auto/default is refused unless the provider allows `service_tier`. */
  @IsOptional()
  @IsIn(SERVICE_TIERS)
  service_tier?: string;

  /** Paid when true: refused unless the provider allows `store`. */
  @IsOptional()
  @IsBoolean()
  store?: boolean;

  /** Paid when it holds "audio": refused unless the provider allows `audio`. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsIn(MODALITIES, { each: true })
  modalities?: string[];

  /** Paid (audio output): refused unless the provider allows `audio`. */
  @IsOptional()
  @IsObject()
  audio?: { voice?: unknown; format?: string };

  /** Paid (predicted outputs): refused unless the provider allows `prediction`. */
  @IsOptional()
  @IsObject()
  prediction?: { type?: string; content?: unknown };

  /** Paid (web search): refused unless the provider allows `web_search_options`. */
  @IsOptional()
  @IsObject()
  web_search_options?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  moderation?: Record<string, unknown>;

  /** Switchyard extension: eco, balanced or precision (the X-Power-Level header wins). */
  @IsOptional()
  @IsIn(POWER_LEVELS)
  power_level?: string;
}
