import { ValidationError } from '@gw/shared-kernel';
import { validateInstance } from '../http/validate-dto';
import { ChatCompletionDto, FunctionDefinitionDto, StreamOptionsDto, ToolDto } from './chat-completion.dto';
import { chatRequestShapeProblem } from './chat-request-shape';

/** OpenAI documents about 40 parameters; a body with far more keys is not a chat request. */
const MAX_PARAMS = 128;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A shallow copy of `value` with the DTO's prototype, so that class-validator finds its rules. Spread
 * (not Object.assign) so that a `__proto__` key in the JSON stays a plain field.
 */
function hydrate<T extends object>(cls: new () => T, value: unknown): unknown {
  return isObject(value) ? (Object.setPrototypeOf({ ...value }, cls.prototype) as T) : value;
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
 */
export function validateChatRequest(body: unknown): ChatCompletionDto {
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
  return dto;
}
