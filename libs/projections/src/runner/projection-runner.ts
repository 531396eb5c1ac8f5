import { comparePositions, positionToString, systemClock, type Position } from '@gw/shared-kernel';
import type { Subscription } from '@gw/eventstore';
import { readCheckpoint } from '../checkpoints/projection-checkpoints';
import { assertValidProjection, type Projection } from '../projection';
import { describeError } from '../projection-logger';
import { BatchCommitter } from './batch-committer';
import { reached } from './checkpoint-waiters';
import {
  CheckpointMovedError,
  ProjectionStoppedError,
  WaitForPositionTimeoutError,
} from './projection-runner.errors';
import type {
  ProjectionLag,
  ProjectionRunnerOptions,
  ProjectionRunnerState,
  ProjectionStatus,
} from './projection-runner.options';
import { backoffDelay, retryPolicy, type RetryPolicy } from './retry-policy';
import { RunnerProgress } from './runner-progress';

export const DEFAULT_MAX_BATCH_SIZE = 256;

export interface WaitOptions {
  /** Reject with WaitForPositionTimeoutError after this long. Default: wait as long as the runner runs. */
  readonly timeoutMs?: number;
}

/**
 * Keeps one projection's read model up to date: subscribes to the event store after the stored
 * checkpoint and commits each delivered batch in one transaction together with the new checkpoint.
 * One runner per projection, so each has its own checkpoint, backoff, dead letters and rebuild, and a slow
 * or failing projection never holds the others back.
 *
 * When the subscription ends with an error (database or event store unreachable, an event that failed
 * outside `apply`, or the checkpoint moved under it) the runner waits with backoff and resubscribes from
 * the stored checkpoint; it never skips an event.
 */
export class ProjectionRunner {
  readonly projection: Projection;
  private readonly policy: RetryPolicy;
  private readonly progress: RunnerProgress;
  private state: ProjectionRunnerState = 'idle';
  private abort = new AbortController();
  private subscription: Subscription | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restarting: Promise<void> | null = null;
  private consecutiveFailures = 0;

  constructor(private readonly options: ProjectionRunnerOptions) {
    assertValidProjection(options.projection);
    this.projection = options.projection;
    this.policy = retryPolicy(options.retry);
    this.progress = new RunnerProgress(
      options.projection,
      options.logger,
      options.clock ?? systemClock,
      options.onActivity,
    );
  }

  get name(): string {
    return this.projection.name;
  }

  get version(): number {
    return this.projection.version;
  }

  /** Position of the last event whose effect this runner knows to be committed (null: none yet). */
  get checkpoint(): Position | null {
    return this.progress.checkpoint;
  }

  status(): ProjectionStatus {
    return this.progress.status(this.state);
  }

  /** Reads the stored checkpoint and subscribes after it. Resolves once subscribed, not once caught up. */
  async start(): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'stopped') {
      throw new Error(`Projection ${this.name} is already ${this.state}`);
    }
    this.abort = new AbortController();
    this.consecutiveFailures = 0;
    this.state = 'running';
    try {
      const checkpoint = await this.loadCheckpoint();
      this.subscribe(checkpoint);
      this.options.logger.info(
        { ...this.progress.context(), checkpoint: checkpoint ? positionToString(checkpoint) : null },
        'projection started',
      );
    } catch (error) {
      this.state = 'stopped';
      throw error;
    }
  }

  /**
   * Stops after the transaction in progress (if any) has committed or rolled back, and rejects pending
   * `waitFor` calls. A batch that was being retried is abandoned: the next start redoes it.
   */
  async stop(): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') return;
    this.state = 'stopping';
    this.abort.abort();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    await this.restarting;
    await this.subscription?.stop();
    this.subscription = null;
    this.state = 'stopped';
    this.progress.waiters.rejectAll(new ProjectionStoppedError(this.name));
    this.options.logger.info(
      { ...this.progress.context(), checkpoint: this.checkpoint ? positionToString(this.checkpoint) : null },
      'projection stopped',
    );
  }

  /** Resolves once the checkpoint is at or after `position`; rejects if the runner stops first. */
  waitFor(position: Position, options: WaitOptions = {}): Promise<void> {
    if (reached(this.checkpoint, position)) return Promise.resolve();
    if (this.state === 'stopped') return Promise.reject(new ProjectionStoppedError(this.name));
    const { timeoutMs } = options;
    return this.progress.waiters.wait(
      position,
      timeoutMs,
      () => new WaitForPositionTimeoutError(this.name, position, this.checkpoint, timeoutMs ?? 0),
    );
  }

  /** Resolves once the checkpoint has reached the head of the log as it is now. */
  async waitForHead(options: WaitOptions = {}): Promise<void> {
    const head = await this.options.eventStore.headPosition();
    if (head) await this.waitFor(head, options);
  }

  /** Events between the checkpoint and the head, counted up to `limit` (reads them: keep it small). */
  async measureLag(limit = 1000): Promise<ProjectionLag> {
    const checkpoint = this.checkpoint;
    const head = await this.options.eventStore.headPosition();
    if (head === null || reached(checkpoint, head))
      return { checkpoint, head, eventsBehind: 0, atLeast: false };
    const events = await this.options.eventStore.readAll({ after: checkpoint ?? undefined, maxCount: limit });
    const behind = events.filter((e) => comparePositions(e.position, head) <= 0).length;
    return {
      checkpoint,
      head,
      eventsBehind: behind,
      atLeast: events.length >= limit && behind === events.length,
    };
  }

  private subscribe(after: Position | null): void {
    this.progress.resume(after);
    const committer = new BatchCommitter(
      this.projection,
      this.options.db,
      this.options.logger,
      this.policy,
      this.abort.signal,
      this.progress,
    );
    this.subscription = this.options.eventStore.subscribeToAll({
      after: after ?? undefined,
      maxBatchSize: this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
      liveBatchDelayMs: this.options.liveBatchDelayMs,
      handle: async (events) => {
        await committer.commit(events);
        this.consecutiveFailures = 0;
      },
      onCaughtUp: () => this.progress.reachedHead(),
      onError: (error) => this.recover(error),
    });
  }

  /** The subscription ended with an error: resubscribe from the stored checkpoint after a backoff. */
  private recover(error: unknown): void {
    if (this.abort.signal.aborted || error instanceof ProjectionStoppedError) return;
    this.subscription = null;
    this.state = 'recovering';
    this.consecutiveFailures += 1;
    const conflict = error instanceof CheckpointMovedError;
    const delayMs = backoffDelay(this.policy, this.consecutiveFailures);
    const context = {
      ...this.progress.context(),
      checkpoint: this.checkpoint ? positionToString(this.checkpoint) : null,
      consecutiveFailures: this.consecutiveFailures,
      delayMs,
      error: describeError(error),
    };
    if (conflict)
      this.options.logger.warn(context, 'projection checkpoint moved under the runner; resuming from it');
    else
      this.options.logger.error(
        context,
        'projection subscription failed; restarting from the stored checkpoint',
      );
    this.progress.restarting(delayMs, describeError(error), conflict);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.restarting = this.restart().finally(() => {
        this.restarting = null;
      });
    }, delayMs);
  }

  private async restart(): Promise<void> {
    try {
      const checkpoint = await this.loadCheckpoint();
      if (this.abort.signal.aborted) return;
      this.state = 'running';
      this.subscribe(checkpoint);
    } catch (error) {
      this.recover(error);
    }
  }

  private loadCheckpoint(): Promise<Position | null> {
    return this.options.db.transaction((trx) => readCheckpoint(trx, this.projection));
  }
}
