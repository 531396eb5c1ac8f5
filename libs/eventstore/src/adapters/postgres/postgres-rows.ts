import { toBigInt } from '@gw/database';
import type { EventMetadata, Position, RecordedEvent } from '@gw/shared-kernel';

/** int8 arrives as a string from `pg` and as a number (or a bigint past 2^53) from PGlite. */
type Int8 = string | number | bigint;

/** One row of `events` as selected by {@link EVENT_COLUMNS}. */
export interface EventRow {
  readonly event_id: string;
  readonly stream_id: string;
  readonly stream_revision: Int8;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  readonly occurred_at: Date | string;
  readonly transaction_id: Int8;
  readonly global_position: Int8;
}

/** Where a row sits: what lookups and inserts return. */
export interface PositionRow {
  readonly transaction_id: Int8;
  readonly global_position: Int8;
}

/**
 * The position columns come back as text (xid8 has no JSON/JS type), under their own names. Careful:
 * in PostgreSQL an ORDER BY on a bare name uses the *output* column first, so ordering must name
 * `events.transaction_id` — ordering by the text would put "1000" before "999".
 */
export const EVENT_COLUMNS =
  'event_id, stream_id, stream_revision, type, version, data, metadata, occurred_at, ' +
  'transaction_id::text as transaction_id, global_position';

/**
 * Rows whose writing transaction can no longer be preceded by one still in flight: every
 * transaction id below the snapshot's xmin has either committed or rolled back.
 */
export const SETTLED = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

export const toPosition = (row: PositionRow): Position => ({
  commit: toBigInt(row.transaction_id),
  prepare: toBigInt(row.global_position),
});

export const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  revision: toBigInt(row.stream_revision),
  type: row.type,
  version: row.version,
  data: row.data,
  metadata: row.metadata,
  occurredAt: row.occurred_at instanceof Date ? row.occurred_at : new Date(row.occurred_at),
  position: toPosition(row),
});
