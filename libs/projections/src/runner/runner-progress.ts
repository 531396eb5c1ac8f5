import { positionToString, type Clock, type Position, type RecordedEvent } from '@gw/shared-kernel';
import { describeProjection, type ProjectionId } from '../projection';
import { describeError, type ProjectionLogger } from '../projection-logger';
import { CheckpointWaiters } from './checkpoint-waiters';
import type {
  ProjectionActivity,
  ProjectionRunnerState,
  ProjectionStatus,
} from './projection-runner.options';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** Each member of the union without the fields every activity of this runner shares. */
type ActivityWithoutId = DistributiveOmit<ProjectionActivity, 'projection' | 'version'>;

/** The runner's in-memory view of its checkpoint and counters, plus the metrics hook and waiters. */
export class RunnerProgress {
  private current: Position | null = null;
  private caughtUpNow = false;
  private lastCommittedAt: Date | null = null;
  private eventsProcessed = 0;
  private eventsApplied = 0;
  private transactionsCommitted = 0;
  private failedAttempts = 0;
  private deadLettered = 0;
  private restarts = 0;
  private checkpointConflicts = 0;
  readonly waiters = new CheckpointWaiters();

  constructor(
    private readonly id: ProjectionId,
    private readonly logger: ProjectionLogger,
    private readonly clock: Clock,
    private readonly onActivity?: (activity: ProjectionActivity) => void,
  ) {}

  get checkpoint(): Position | null {
    return this.current;
  }

  /** A (re)started subscription begins from the stored checkpoint. */
  resume(checkpoint: Position | null): void {
    this.current = checkpoint;
    this.caughtUpNow = false;
    this.waiters.advance(checkpoint);
  }

  committed(checkpoint: Position, events: number, applied: number, durationMs: number): void {
    this.current = checkpoint;
    this.lastCommittedAt = this.clock.now();
    this.eventsProcessed += events;
    this.eventsApplied += applied;
    this.transactionsCommitted += 1;
    this.emit({ kind: 'committed', checkpoint, events, applied, durationMs });
    this.waiters.advance(checkpoint);
  }

  failed(events: readonly RecordedEvent[], attempt: number, error: unknown): void {
    this.failedAttempts += 1;
    const from = events[0]!.position;
    const to = events[events.length - 1]!.position;
    this.emit({ kind: 'failed', from, to, events: events.length, attempt, error: describeError(error) });
  }

  deadLetteredOne(event: RecordedEvent, attempts: number): void {
    this.deadLettered += 1;
    this.emit({ kind: 'dead-lettered', position: event.position, eventId: event.id, attempts });
  }

  reachedHead(): void {
    this.caughtUpNow = true;
    this.logger.info(
      { ...this.context(), checkpoint: this.current ? positionToString(this.current) : null },
      'projection caught up; now live',
    );
    this.emit({ kind: 'caught-up', checkpoint: this.current });
  }

  restarting(delayMs: number, reason: string, conflict: boolean): void {
    this.restarts += 1;
    if (conflict) this.checkpointConflicts += 1;
    this.emit({ kind: 'restarting', delayMs, reason });
  }

  status(state: ProjectionRunnerState): ProjectionStatus {
    return {
      projection: this.id.name,
      version: this.id.version,
      state,
      checkpoint: this.current,
      caughtUp: this.caughtUpNow,
      lastCommittedAt: this.lastCommittedAt,
      eventsProcessed: this.eventsProcessed,
      eventsApplied: this.eventsApplied,
      transactionsCommitted: this.transactionsCommitted,
      failedAttempts: this.failedAttempts,
      deadLettered: this.deadLettered,
      restarts: this.restarts,
      checkpointConflicts: this.checkpointConflicts,
    };
  }

  /** Log context every line of this runner carries. */
  context(): Record<string, unknown> {
    return { projection: describeProjection(this.id) };
  }

  private emit(activity: ActivityWithoutId): void {
    if (!this.onActivity) return;
    try {
      this.onActivity({
        ...activity,
        projection: this.id.name,
        version: this.id.version,
      } as ProjectionActivity);
    } catch (error) {
      this.logger.warn(
        { ...this.context(), error: describeError(error) },
        'projection onActivity hook threw; ignored',
      );
    }
  }
}
