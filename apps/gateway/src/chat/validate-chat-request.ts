import { ValidationError } from '@gw/shared-kernel';
import { validateInstance } from '../http/validate-dto';
import { ChatCompletionDto, FunctionDefinitionDto, StreamOptionsDto, ToolDto } from './chat-completion.dto';
import { chatRequestShapeProblem } from './chat-request-shape';
import { matchesChatRequestSchema } from './chat-request-schema';

/** OpenAI documents about 40 parameters; a body with far more keys is not a chat request. */
const MAX_PARAMS = 128;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A shallow copy of `value` with the DTO's prototype, so that class-validator finds its rules.
 * - A `__proto__` key is defined, not assigned, so that it stays a plain field instead of setting
 *   the prototype.
 * - A `constructor` key is left out: class-validator looks the rules up by `value.constructor`, so
 *   with that key it found none (and threw a TypeError for null). It is an unknown parameter, read
 *   (and reported as ignored) from the body like any other.
 * - Fields are assigned one by one onto Object.create(prototype): a spread copy that later gets a
 *   field added (`functions` below) costs V8 microseconds.
 */
function hydrate<T extends object>(cls: new () => T, value: unknown): unknown {
  if (!isObject(value)) return value;
  const copy = Object.create(cls.prototype) as Json;
  for (const key of Object.keys(value)) {
    if (key === '__proto__')
      Object.defineProperty(copy, key, {
        value: value[key],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    else if (key !== 'constructor') copy[key] = value[key];
  }
  return copy;
}

const hydrateAll = <T extends object>(cls: new () => T, value: unknown): unknown =>
  Array.isArray(value) ? value.map((item) => hydrate(cls, item)) : value;

/**
 * The body as a ChatCompletionDto instance. Only `tools`, `functions` and `stream_options` are nested
 * DTOs; everything else (messages included, checked by chat-request-shape.ts) stays as parsed. This
 * costs a few object copies where class-transformer's plainToInstance deep-copies the whole body
 * (tens of µs per request, growing with the prompt).
 */
function toDto(body: Json): ChatCompletionDto {
  const dto = hydrate(ChatCompletionDto, body) as Json;
  if (Array.isArray(dto['tools'])) {
    dto['tools'] = dto['tools'].map((tool: unknown) => {
      const hydrated = hydrate(ToolDto, tool);
      if (isObject(hydrated)) hydrated['function'] = hydrate(FunctionDefinitionDto, hydrated['function']);
      return hydrated;
    });
  }
  dto['functions'] = hydrateAll(FunctionDefinitionDto, dto['functions']);
  dto['stream_options'] = hydrate(StreamOptionsDto, dto['stream_options']);
  return dto as unknown as ChatCompletionDto;
}

/**
 * Validates a chat request body: every documented parameter and every nested shape. Throws a
 * ValidationError (400) naming the parameter with its path, e.g. `messages[1].content[0].image_url.url`.
 *
 * A body the compiled schema accepts (chat-request-schema.ts: a fraction of a µs for a short request)
 * is not validated again; any other body goes through validateChatRequestByRules, whose errors
 * are the answer.
 */
export function validateChatRequest(body: unknown): ChatCompletionDto {
  if (isObject(body) && Object.keys(body).length <= MAX_PARAMS && matchesChatRequestSchema(body)) {
    const dto = toDto(body);
    assertTokenLimitsAgree(dto);
    return dto;
  }
  return validateChatRequestByRules(body);
}

/**
 * The same validation by class-validator (the DTO) and chat-request-shape.ts: what a refused body's
 * error message and `param` come from. Exported for the compiled schema's soundness test.
 */
export function validateChatRequestByRules(body: unknown): ChatCompletionDto {
  if (!isObject(body)) {
    throw new ValidationError('REQUEST.INVALID_BODY', 'The request body must be a JSON object', {
      param: null,
    });
  }
  if (Object.keys(body).length > MAX_PARAMS) {
    throw new ValidationError('REQUEST.INVALID_BODY', `The request has more than ${MAX_PARAMS} parameters`, {
      param: null,
    });
  }
  const dto = validateInstance(toDto(body));
  const shape = chatRequestShapeProblem(body);
  if (shape) throw new ValidationError('REQUEST.INVALID_PARAMETER', shape.message, { param: shape.param });
  assertTokenLimitsAgree(dto);
  return dto;
}

/** max_tokens and max_completion_tokens are one limit under two names: both given, they must agree. */
function assertTokenLimitsAgree(dto: ChatCompletionDto): void {
  if (
    dto.max_tokens !== undefined &&
    dto.max_tokens !== null &&
    dto.max_completion_tokens !== undefined &&
    dto.max_completion_tokens !== null &&
    dto.max_tokens !== dto.max_completion_tokens
  ) {
    throw new ValidationError(
      'REQUEST.INVALID_PARAMETER',
      'max_tokens and max_completion_tokens disagree; send one of them',
      { param: 'max_tokens' },
    );
  }
}
