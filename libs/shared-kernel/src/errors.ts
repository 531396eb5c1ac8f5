/**
 * The domain error family (STYLE.md §7). Libraries throw these; the gateway maps them to HTTP.
 * `code` is stable (CONTEXT.SCREAMING_SNAKE); `details` never holds secrets.
 */
export abstract class DomainError extends Error {
  abstract readonly kind:
    'validation' | 'illegal_state' | 'not_found' | 'concurrency' | 'unauthorized' | 'forbidden';
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean | null>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
}
export class IllegalStateError extends DomainError {
  readonly kind = 'illegal_state' as const;
}
export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
}
export class ConcurrencyError extends DomainError {
  readonly kind = 'concurrency' as const;
}
export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized' as const;
}
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}
