import type { Knex } from 'knex';
import { positionToString, type RecordedEvent } from '@gw/shared-kernel';
import {
  advanceCheckpoint,
  lockCheckpoint,
  readCheckpoint,
  samePosition,
  writeCheckpoint,
} from '../checkpoints/projection-checkpoints';
import { recordDeadLetter } from '../dead-letters/projection-dead-letters';
import { eventsFor, type Projection } from '../projection';
import { describeError, type ProjectionLogger } from '../projection-logger';
import {
  CheckpointMovedError,
  ProjectionApplyError,
  ProjectionStoppedError,
} from './projection-runner.errors';
import { backoffDelay, sleep, type RetryPolicy } from './retry-policy';
import type { RunnerProgress } from './runner-progress';

/** Errors that end the batch at once: no retry, no split, no dead letter. */
const endsTheBatch = (error: unknown): boolean =>
  error instanceof CheckpointMovedError || error instanceof ProjectionStoppedError;

/**
 * Turns delivered batches into committed transactions. Each transaction locks the checkpoint row, checks
 * it is still the one this runner last committed, applies the events and writes the new checkpoint, so
 * a crash at any point leaves the read model and the checkpoint consistent.
 *
 * A failing batch is split in halves until the failing event is alone; that event is retried with
 * exponential backoff and, if the projection keeps throwing on it, recorded as a dead letter in the same
 * transaction that moves the checkpoint past it. Failures outside `apply` (database, network) are never
 * dead-lettered: after the last retry they end the subscription, and the runner restarts it.
 */
export class BatchCommitter {
  constructor(
    private readonly projection: Projection,
    private readonly db: Knex,
    private readonly logger: ProjectionLogger,
    private readonly policy: RetryPolicy,
    private readonly signal: AbortSignal,
    private readonly progress: RunnerProgress,
  ) {}

  commit(events: readonly RecordedEvent[]): Promise<void> {
    return events.length === 0 ? Promise.resolve() : this.commitRange(events);
  }

  private async commitRange(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 1) return this.commitOne(events[0]!);
    try {
      await this.apply(events);
    } catch (error) {
      if (endsTheBatch(error)) throw error;
      this.reportFailure(events, 1, error, 'batch failed; splitting it to isolate the failing event');
      const middle = Math.ceil(events.length / 2);
      await this.commitRange(events.slice(0, middle));
      await this.commitRange(events.slice(middle));
    }
  }

  private async commitOne(event: RecordedEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.apply([event]);
        return;
      } catch (error) {
        if (endsTheBatch(error)) throw error;
        const last = attempt >= this.policy.maxAttempts;
        this.reportFailure(
          [event],
          attempt,
          error,
          last ? 'event failed its last attempt' : 'event failed; retrying',
        );
        if (!last) {
          await sleep(backoffDelay(this.policy, attempt), this.signal, this.projection.name);
          continue;
        }
        if (!(error instanceof ProjectionApplyError)) throw error;
        await this.deadLetter(event, error, attempt);
        return;
      }
    }
  }

  private async apply(events: readonly RecordedEvent[]): Promise<void> {
    const wanted = eventsFor(this.projection, events);
    await this.transact(events, wanted.length, async (trx) => {
      if (wanted.length === 0) return;
      try {
        await this.projection.apply(trx, wanted);
      } catch (error) {
        throw new ProjectionApplyError(this.projection.name, error);
      }
    });
  }

  private async deadLetter(
    event: RecordedEvent,
    error: ProjectionApplyError,
    attempts: number,
  ): Promise<void> {
    await this.transact([event], 0, (trx) =>
      recordDeadLetter(trx, this.projection, event, describeError(error.cause), attempts),
    );
    this.progress.deadLetteredOne(event, attempts);
    this.logger.error(
      {
        ...this.progress.context(),
        position: positionToString(event.position),
        eventId: event.id,
        eventType: event.type,
        streamId: event.streamId,
        attempts,
        error: describeError(error.cause),
      },
      'projection gave up on an event: recorded in projection_dead_letters and moved past it',
    );
  }

  /** One transaction: lock and check the checkpoint, write, move the checkpoint to the last event. */
  private async transact(
    events: readonly RecordedEvent[],
    applied: number,
    write: (trx: Knex.Transaction) => Promise<void>,
  ): Promise<void> {
    if (this.signal.aborted) throw new ProjectionStoppedError(this.projection.name);
    const expected = this.progress.checkpoint;
    const last = events[events.length - 1]!.position;
    const started = performance.now();
    await this.db.transaction(async (trx) => {
      if (expected !== null) {
        // One statement checks, locks and moves the checkpoint; the writes follow in the same
        // transaction, so a failure rolls the move back with them.
        if (!(await advanceCheckpoint(trx, this.projection, expected, last)))
          throw new CheckpointMovedError(
            this.projection.name,
            expected,
            await readCheckpoint(trx, this.projection),
          );
        await write(trx);
        return;
      }
      const stored = await lockCheckpoint(trx, this.projection, true);
      if (!samePosition(stored, expected))
        throw new CheckpointMovedError(this.projection.name, expected, stored);
      await write(trx);
      await writeCheckpoint(trx, this.projection, last);
    });
    this.progress.committed(last, events.length, applied, performance.now() - started);
  }

  private reportFailure(
    events: readonly RecordedEvent[],
    attempt: number,
    failure: unknown,
    message: string,
  ): void {
    const inApply = failure instanceof ProjectionApplyError;
    const error = inApply ? failure.cause : failure;
    this.progress.failed(events, attempt, error);
    const from = positionToString(events[0]!.position);
    const to = positionToString(events[events.length - 1]!.position);
    this.logger.warn(
      {
        ...this.progress.context(),
        ...(events.length === 1
          ? { position: from, eventId: events[0]!.id, eventType: events[0]!.type }
          : { from, to }),
        events: events.length,
        attempt,
        failedIn: inApply ? 'apply' : 'transaction',
        error: describeError(error),
      },
      `projection ${message}`,
    );
  }
}
