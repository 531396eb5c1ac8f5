import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret read from the environment (BOOTSTRAP_ADMIN_KEY). The configuration object may be logged
 * or printed; this value never is: JSON, `String()` and `util.inspect` (so pino too) show
 * `[redacted]`. Only `reveal()` gives the value, to the code that needs it.
 */
export class ConfiguredSecret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
