/**
 * What the runtime logs through. Structured context first, message second: pino's `Logger` fits as is.
 * Library code never writes to the console; positions in the context are strings (`commit/prepare`).
 */
export interface ProjectionLogger {
  info(context: Readonly<Record<string, unknown>>, message: string): void;
  warn(context: Readonly<Record<string, unknown>>, message: string): void;
  error(context: Readonly<Record<string, unknown>>, message: string): void;
}

/** For callers that really want no logs (errors still reach `onActivity` and the dead-letter table). */
export const silentProjectionLogger: ProjectionLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A stable, secret-free description of anything thrown. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : `Non-error thrown: ${String(error)}`;
