import { positionToString, type Position } from '@gw/shared-kernel';
import { describeError } from '../projection-logger';

/** The projection's own `apply` threw: the only failure that can send an event to the dead-letter table. */
export class ProjectionApplyError extends Error {
  constructor(
    readonly projection: string,
    cause: unknown,
  ) {
    super(`Projection ${projection} failed to apply: ${describeError(cause)}`, { cause });
    this.name = 'ProjectionApplyError';
  }
}

/**
 * The stored checkpoint is not the one this runner last committed: another runner, a rebuild, or a commit
 * whose acknowledgement was lost moved it. Nothing was written; the runner resumes from the stored one.
 */
export class CheckpointMovedError extends Error {
  constructor(
    readonly projection: string,
    readonly expected: Position | null,
    readonly stored: Position | null,
  ) {
    super(
      `Projection ${projection}: checkpoint is ${stored ? positionToString(stored) : 'unset'}, ` +
        `expected ${expected ? positionToString(expected) : 'unset'}`,
    );
    this.name = 'CheckpointMovedError';
  }
}

/** The runner was asked to stop; work that was not committed will be redone by the next runner. */
export class ProjectionStoppedError extends Error {
  constructor(readonly projection: string) {
    super(`Projection ${projection} was stopped`);
    this.name = 'ProjectionStoppedError';
  }
}

export class WaitForPositionTimeoutError extends Error {
  constructor(projection: string, target: Position, checkpoint: Position | null, timeoutMs: number) {
    super(
      `Projection ${projection} did not reach ${positionToString(target)} within ${timeoutMs} ms ` +
        `(checkpoint ${checkpoint ? positionToString(checkpoint) : 'unset'})`,
    );
    this.name = 'WaitForPositionTimeoutError';
  }
}
