import type { Knex } from 'knex';
import { comparePositions, type Position } from '@gw/shared-kernel';
import type { ProjectionId } from '../projection';

export const PROJECTION_CHECKPOINTS_TABLE = 'projection_checkpoints';

interface StoredCheckpoint {
  readonly commit_position: string;
  readonly prepare_position: string;
}

/** Positions are numeric(20,0); read them as text so neither driver turns them into floats. */
async function selectCheckpoint(
  trx: Knex.Transaction,
  id: ProjectionId,
  forUpdate: boolean,
): Promise<StoredCheckpoint | undefined> {
  const result = await trx.raw<{ rows: StoredCheckpoint[] }>(
    `select commit_position::text as commit_position, prepare_position::text as prepare_position
       from ?? where name = ? and version = ?${forUpdate ? ' for update' : ''}`,
    [PROJECTION_CHECKPOINTS_TABLE, id.name, id.version],
  );
  return result.rows[0];
}

/** -1/-1 (or no row) is "nothing applied yet". */
const toPosition = (row: StoredCheckpoint | undefined): Position | null => {
  if (!row) return null;
  const position = { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) };
  return position.commit < 0n && position.prepare < 0n ? null : position;
};

export const samePosition = (a: Position | null, b: Position | null): boolean =>
  a === null || b === null ? a === b : comparePositions(a, b) === 0;

/** The stored checkpoint: the position of the last event whose effect is in the read model. */
export async function readCheckpoint(trx: Knex.Transaction, id: ProjectionId): Promise<Position | null> {
  return toPosition(await selectCheckpoint(trx, id, false));
}

/**
 * Locks the checkpoint row for the rest of the transaction and returns it. With `ensureRow`, a missing row
 * is created first (at -1/-1) so that two writers starting from scratch also serialize on it.
 */
export async function lockCheckpoint(
  trx: Knex.Transaction,
  id: ProjectionId,
  ensureRow: boolean,
): Promise<Position | null> {
  if (ensureRow) {
    await trx(PROJECTION_CHECKPOINTS_TABLE)
      .insert({ name: id.name, version: id.version, commit_position: '-1', prepare_position: '-1' })
      .onConflict(['name', 'version'])
      .ignore();
  }
  return toPosition(await selectCheckpoint(trx, id, true));
}

export async function writeCheckpoint(
  trx: Knex.Transaction,
  id: ProjectionId,
  position: Position,
): Promise<void> {
  await trx(PROJECTION_CHECKPOINTS_TABLE)
    .insert({
      name: id.name,
      version: id.version,
      commit_position: position.commit.toString(),
      prepare_position: position.prepare.toString(),
      updated_at: trx.fn.now(),
    })
    .onConflict(['name', 'version'])
    .merge(['commit_position', 'prepare_position', 'updated_at']);
}

/**
 * Moves the checkpoint from `expected` to `next` in one statement, which also locks the row for the
 * rest of the transaction: a second writer's update waits for this transaction and then finds the
 * position moved. False when the stored checkpoint is not `expected` (nothing is written then).
 * Replaces a locking read plus an upsert per batch on the projection hot path.
 */
export async function advanceCheckpoint(
  trx: Knex.Transaction,
  id: ProjectionId,
  expected: Position,
  next: Position,
): Promise<boolean> {
  const result = await trx.raw<{ rows: unknown[] }>(
    `update ?? set commit_position = ?, prepare_position = ?, updated_at = now()
      where name = ? and version = ? and commit_position = ? and prepare_position = ?
      returning 1`,
    [
      PROJECTION_CHECKPOINTS_TABLE,
      next.commit.toString(),
      next.prepare.toString(),
      id.name,
      id.version,
      expected.commit.toString(),
      expected.prepare.toString(),
    ],
  );
  return result.rows.length === 1;
}

export async function deleteCheckpoint(trx: Knex.Transaction, id: ProjectionId): Promise<void> {
  await trx(PROJECTION_CHECKPOINTS_TABLE).where({ name: id.name, version: id.version }).delete();
}

/** For operators and tests: the stored checkpoint, read in its own short transaction. */
export function readProjectionCheckpoint(db: Knex, id: ProjectionId): Promise<Position | null> {
  return db.transaction((trx) => readCheckpoint(trx, id));
}
