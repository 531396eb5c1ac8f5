import { comparePositions, type Position } from '@gw/shared-kernel';

interface Waiter {
  readonly target: Position;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

export const reached = (checkpoint: Position | null, target: Position): boolean =>
  checkpoint !== null && comparePositions(checkpoint, target) >= 0;

/** Promises that settle once a checkpoint reaches a position (what tests and the gateway wait on). */
export class CheckpointWaiters {
  private readonly waiters = new Set<Waiter>();

  wait(target: Position, timeoutMs: number | undefined, onTimeout: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        target,
        resolve: () => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          resolve();
        },
        reject: (error) => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          reject(error);
        },
      };
      if (timeoutMs !== undefined) waiter.timer = setTimeout(() => waiter.reject(onTimeout()), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Settles every waiter the new checkpoint satisfies. */
  advance(checkpoint: Position | null): void {
    for (const waiter of [...this.waiters]) if (reached(checkpoint, waiter.target)) waiter.resolve();
  }

  rejectAll(error: Error): void {
    for (const waiter of [...this.waiters]) waiter.reject(error);
  }
}
