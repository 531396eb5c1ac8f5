import type { Knex } from 'knex';
import type { Position } from '@gw/shared-kernel';
import { deleteCheckpoint } from '../checkpoints/projection-checkpoints';
import { deleteDeadLetters } from '../dead-letters/projection-dead-letters';
import { assertValidProjection, describeProjection, type Projection } from '../projection';
import { ProjectionRunner } from '../runner/projection-runner';
import { assertDistinctNames } from '../runner/projection-runner-group';
import type { ProjectionRuntime } from '../runner/projection-runner.options';

/** Larger than the live default: a replay is throughput-bound and has nobody waiting on single events. */
export const REBUILD_MAX_BATCH_SIZE = 1000;

export interface RebuildOptions {
  /** Keep the runner going after the replay reached the head (it is returned in the result). */
  readonly continueLive?: boolean;
  /** Give up (and stop the runner) if the replay has not reached the head by then. */
  readonly timeoutMs?: number;
}

export interface RebuildResult {
  readonly projection: string;
  readonly version: number;
  /** The checkpoint once the head was reached (null: empty log). */
  readonly checkpoint: Position | null;
  readonly events: number;
  readonly durationMs: number;
  /** The live runner when `continueLive`, else null. */
  readonly runner: ProjectionRunner | null;
}

/**
 * In one transaction: empties the projection's tables and deletes its checkpoint and dead letters.
 * A runner still live on this projection elsewhere notices the moved checkpoint and replays too.
 */
export async function resetProjection(db: Knex, projection: Projection): Promise<void> {
  assertValidProjection(projection);
  await db.transaction(async (trx) => {
    if (projection.tables.length > 0) {
      await trx.raw(`truncate table ${projection.tables.map(() => '??').join(', ')}`, [...projection.tables]);
    }
    await deleteCheckpoint(trx, projection);
    await deleteDeadLetters(trx, projection);
  });
}

/**
 * Resets the projection, then replays the log from the beginning up to the head as it was right after
 * the reset. Stop this projection's live runner first: otherwise both replay (correctly, but twice the work).
 * Queries see the read model fill up during the replay; for a switch without that gap, build a `_v2`.
 */
export async function rebuildProjection(
  projection: Projection,
  runtime: ProjectionRuntime,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = performance.now();
  const name = describeProjection(projection);
  runtime.logger.info({ projection: name }, 'projection rebuild: resetting');
  await resetProjection(runtime.db, projection);
  const head = await runtime.eventStore.headPosition();
  const runner = new ProjectionRunner({
    ...runtime,
    projection,
    maxBatchSize: runtime.maxBatchSize ?? REBUILD_MAX_BATCH_SIZE,
  });
  await runner.start();
  try {
    if (head) await runner.waitFor(head, { timeoutMs: options.timeoutMs });
  } catch (error) {
    await runner.stop();
    throw error;
  }
  if (!options.continueLive) await runner.stop();
  const status = runner.status();
  const result: RebuildResult = {
    projection: projection.name,
    version: projection.version,
    checkpoint: runner.checkpoint,
    events: status.eventsProcessed,
    durationMs: Math.round(performance.now() - started),
    runner: options.continueLive ? runner : null,
  };
  runtime.logger.info(
    {
      projection: name,
      events: result.events,
      deadLettered: status.deadLettered,
      durationMs: result.durationMs,
    },
    'projection rebuild: reached the head',
  );
  return result;
}

/** Rebuilds each projection in turn (what `npm run projections:rebuild` runs); stops at the first failure. */
export async function rebuildAll(
  projections: readonly Projection[],
  runtime: ProjectionRuntime,
  options: Omit<RebuildOptions, 'continueLive'> = {},
): Promise<RebuildResult[]> {
  assertDistinctNames(projections);
  const results: RebuildResult[] = [];
  for (const projection of projections) results.push(await rebuildProjection(projection, runtime, options));
  return results;
}
