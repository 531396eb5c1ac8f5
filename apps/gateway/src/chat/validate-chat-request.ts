import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError as ClassValidationError } from 'class-validator';
import { ValidationError } from '@gw/shared-kernel';
import { ChatCompletionDto } from './chat-completion.dto';

/** The first failing constraint, with its dotted parameter path (`messages[0].role`). */
function firstProblem(
  errors: readonly ClassValidationError[],
  parent = '',
): { param: string; message: string } | null {
  for (const e of errors) {
    const param = /^\d+$/.test(e.property)
      ? `${parent}[${e.property}]`
      : parent
        ? `${parent}.${e.property}`
        : e.property;
    const message = e.constraints ? Object.values(e.constraints)[0] : undefined;
    if (message) return { param, message: message.replace(e.property, param) };
    const nested = firstProblem(e.children ?? [], param);
    if (nested) return nested;
  }
  return null;
}

/** Validates a chat request body. Throws a ValidationError naming the parameter. */
export function validateChatRequest(body: unknown): ChatCompletionDto {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('REQUEST.INVALID_BODY', 'The request body must be a JSON object', {
      param: null,
    });
  }
  const dto = plainToInstance(ChatCompletionDto, body);
  const problem = firstProblem(validateSync(dto, { forbidUnknownValues: false, stopAtFirstError: true }));
  if (problem)
    throw new ValidationError('REQUEST.INVALID_PARAMETER', problem.message, { param: problem.param });
  if (
    dto.max_tokens !== undefined &&
    dto.max_completion_tokens !== undefined &&
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
