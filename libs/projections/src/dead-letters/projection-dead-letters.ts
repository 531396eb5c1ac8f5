import type { Knex } from 'knex';
import type { Position, RecordedEvent } from '@gw/shared-kernel';
import type { ProjectionId } from '../projection';

export const PROJECTION_DEAD_LETTERS_TABLE = 'projection_dead_letters';

/** An event a projection could not apply; the checkpoint moved past it when this was recorded. */
export interface DeadLetter {
  readonly projection: string;
  readonly projectionVersion: number;
  readonly position: Position;
  readonly eventId: string;
  readonly eventType: string;
  readonly streamId: string;
  readonly error: string;
  readonly attempts: number;
  readonly deadLetteredAt: Date;
}

interface DeadLetterRow {
  readonly projection: string;
  readonly projection_version: number;
  readonly commit_position: string;
  readonly prepare_position: string;
  readonly event_id: string;
  readonly event_type: string;
  readonly stream_id: string;
  readonly error: string;
  readonly attempts: number;
  readonly dead_lettered_at: Date | string;
}

const MAX_ERROR_LENGTH = 4000;

/** Records (or, after a replay, refreshes) the dead letter of one event. */
export async function recordDeadLetter(
  trx: Knex.Transaction,
  id: ProjectionId,
  event: RecordedEvent,
  error: string,
  attempts: number,
): Promise<void> {
  await trx(PROJECTION_DEAD_LETTERS_TABLE)
    .insert({
      projection: id.name,
      projection_version: id.version,
      commit_position: event.position.commit.toString(),
      prepare_position: event.position.prepare.toString(),
      event_id: event.id,
      event_type: event.type,
      stream_id: event.streamId,
      error: error.slice(0, MAX_ERROR_LENGTH),
      attempts,
      dead_lettered_at: trx.fn.now(),
    })
    .onConflict(['projection', 'projection_version', 'event_id'])
    .merge(['error', 'attempts', 'dead_lettered_at']);
}

export async function deleteDeadLetters(trx: Knex.Transaction, id: ProjectionId): Promise<void> {
  await trx(PROJECTION_DEAD_LETTERS_TABLE)
    .where({ projection: id.name, projection_version: id.version })
    .delete();
}

/** Dead letters in log order, optionally of one projection (and version). */
export async function listDeadLetters(
  db: Knex,
  filter: { readonly projection?: string; readonly version?: number } = {},
): Promise<DeadLetter[]> {
  const conditions: string[] = [];
  const bindings: (string | number)[] = [PROJECTION_DEAD_LETTERS_TABLE];
  if (filter.projection !== undefined) {
    conditions.push('d.projection = ?');
    bindings.push(filter.projection);
  }
  if (filter.version !== undefined) {
    conditions.push('d.projection_version = ?');
    bindings.push(filter.version);
  }
  const { rows } = await db.raw<{ rows: DeadLetterRow[] }>(
    `select projection, projection_version, commit_position::text as commit_position,
            prepare_position::text as prepare_position, event_id, event_type, stream_id, error, attempts,
            dead_lettered_at
       from ?? as d ${conditions.length > 0 ? `where ${conditions.join(' and ')}` : ''}
      order by d.projection, d.projection_version, d.commit_position, d.prepare_position`,
    bindings,
  );
  return rows.map((r) => ({
    projection: r.projection,
    projectionVersion: Number(r.projection_version),
    position: { commit: BigInt(r.commit_position), prepare: BigInt(r.prepare_position) },
    eventId: r.event_id,
    eventType: r.event_type,
    streamId: r.stream_id,
    error: r.error,
    attempts: Number(r.attempts),
    deadLetteredAt: new Date(r.dead_lettered_at),
  }));
}
