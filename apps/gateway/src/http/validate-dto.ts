import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError as ClassValidationError } from 'class-validator';
import { ValidationError } from '@gw/shared-kernel';

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

/** Validates a JSON body against a class-validator DTO; throws a ValidationError naming the parameter. */
export function validateDto<T extends object>(
  cls: ClassConstructor<T>,
  body: unknown,
  /** strict: unknown fields are an error (admin bodies, where a typo must not be ignored). */
  options: { readonly strict?: boolean } = {},
): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('REQUEST.INVALID_BODY', 'The request body must be a JSON object', {
      param: null,
    });
  }
  return validateInstance(plainToInstance(cls, body), options);
}

/** Validates an object that already is an instance of its DTO class (see validateDto). */
export function validateInstance<T extends object>(dto: T, options: { readonly strict?: boolean } = {}): T {
  const problem = firstProblem(
    validateSync(dto, {
      forbidUnknownValues: false,
      stopAtFirstError: true,
      ...(options.strict && { whitelist: true, forbidNonWhitelisted: true }),
    }),
  );
  if (problem)
    throw new ValidationError('REQUEST.INVALID_PARAMETER', problem.message, { param: problem.param });
  return dto;
}
