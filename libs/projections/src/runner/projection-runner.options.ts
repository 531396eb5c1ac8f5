import type { Knex } from 'knex';
import type { EventStore } from '@gw/eventstore';
import type { Clock, Position } from '@gw/shared-kernel';
import type { Projection } from '../projection';
import type { ProjectionLogger } from '../projection-logger';
import type { RetryPolicy } from './retry-policy';

/** Everything a runner needs besides the projection; shared by runner groups and rebuilds. */
export interface ProjectionRuntime {
  readonly eventStore: EventStore;
  /** Read models and checkpoints. The runner only ever calls `db.transaction(…)`. */
  readonly db: Knex;
  readonly logger: ProjectionLogger;
  readonly retry?: Partial<RetryPolicy>;
  /** Most events per batch (and per transaction). Default 256. */
  readonly maxBatchSize?: number;
  /**
   * Once live, let new events gather this long before applying them: one transaction for a burst
   * instead of one per append. Trades read-model freshness for write load. Default 0.
   */
  readonly liveBatchDelayMs?: number;
  /** Metrics hook: called synchronously after each step; exceptions in it are logged and ignored. */
  readonly onActivity?: (activity: ProjectionActivity) => void;
  readonly clock?: Clock;
}

export interface ProjectionRunnerOptions extends ProjectionRuntime {
  readonly projection: Projection;
}

export type ProjectionRunnerState = 'idle' | 'running' | 'recovering' | 'stopping' | 'stopped';

/** A point-in-time view for health checks and metrics (`/metrics` projection lag). */
export interface ProjectionStatus {
  readonly projection: string;
  readonly version: number;
  readonly state: ProjectionRunnerState;
  /** Position of the last event whose effect is committed (null: nothing yet). */
  readonly checkpoint: Position | null;
  /** True once the current subscription has delivered everything that existed when it started. */
  readonly caughtUp: boolean;
  readonly lastCommittedAt: Date | null;
  /** Since start: events the checkpoint moved past, and those of them passed to `apply`. */
  readonly eventsProcessed: number;
  readonly eventsApplied: number;
  readonly transactionsCommitted: number;
  readonly failedAttempts: number;
  readonly deadLettered: number;
  readonly restarts: number;
  readonly checkpointConflicts: number;
}

/** How far behind the head of the log a projection is. */
export interface ProjectionLag {
  readonly checkpoint: Position | null;
  readonly head: Position | null;
  /** Events after the checkpoint up to the head, counted up to a limit. */
  readonly eventsBehind: number;
  /** True when the count hit the limit: the projection is at least this far behind. */
  readonly atLeast: boolean;
}

interface ActivityBase {
  readonly projection: string;
  readonly version: number;
}

/** What `onActivity` receives: one union, so a metrics adapter maps it with one switch. */
export type ProjectionActivity =
  | (ActivityBase & {
      readonly kind: 'committed';
      readonly checkpoint: Position;
      readonly events: number;
      readonly applied: number;
      readonly durationMs: number;
    })
  | (ActivityBase & {
      readonly kind: 'failed';
      readonly from: Position;
      readonly to: Position;
      readonly events: number;
      readonly attempt: number;
      readonly error: string;
    })
  | (ActivityBase & {
      readonly kind: 'dead-lettered';
      readonly position: Position;
      readonly eventId: string;
      readonly attempts: number;
    })
  | (ActivityBase & { readonly kind: 'caught-up'; readonly checkpoint: Position | null })
  | (ActivityBase & { readonly kind: 'restarting'; readonly delayMs: number; readonly reason: string });
