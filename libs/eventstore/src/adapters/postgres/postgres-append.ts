import { toBigInt } from '@gw/database';
import type { Knex } from 'knex';
import type { AppendRequest, AppendResult } from '../../event-store.port';
import {
  lookupKeys,
  planAppend,
  validateRequests,
  type KnownEvent,
  type Lookup,
  type PlannedRow,
  type StreamHead,
} from './append-plan';
import { toPosition, type PositionRow } from './postgres-rows';

interface LookupRow extends PositionRow {
  readonly stream_id: string;
  readonly stream_revision: string | number | bigint;
  /** null for a stream head, the event id for a known event. */
  readonly event_id: string | null;
}

interface InsertedRow extends PositionRow {
  readonly event_id: string;
}

/**
 * One round trip: the head of every stream (an index probe each, via the unique (stream, revision)
 * index) and every event id that already exists.
 */
const LOOKUP_SQL = `
  select h.stream_id, h.stream_revision, h.transaction_id::text as transaction_id, h.global_position,
         null::text as event_id
    from unnest(?::text[]) as s(stream_id)
    cross join lateral (
      select e.stream_id, e.stream_revision, e.transaction_id, e.global_position
        from events e
       where e.stream_id = s.stream_id
       order by e.stream_revision desc
       limit 1) h
  union all
  select stream_id, stream_revision, transaction_id::text, global_position, event_id::text
    from events
   where event_id = any(?::uuid[])`;

/** One statement whatever the batch size: eight array parameters, one row per event. */
const INSERT_SQL = `
  insert into events (event_id, stream_id, stream_revision, type, version, data, metadata, occurred_at)
  select * from unnest(?::uuid[], ?::text[], ?::int8[], ?::text[], ?::int4[], ?::jsonb[], ?::jsonb[],
                       ?::timestamptz[])
  returning event_id::text as event_id, transaction_id::text as transaction_id, global_position`;

async function lookup(db: Knex, streamIds: string[], eventIds: string[]): Promise<Lookup> {
  const heads = new Map<string, StreamHead>();
  const known = new Map<string, KnownEvent>();
  if (streamIds.length === 0) return { heads, known };
  const { rows } = await db.raw<{ rows: LookupRow[] }>(LOOKUP_SQL, [streamIds, eventIds]);
  for (const row of rows) {
    const found = { revision: toBigInt(row.stream_revision), position: toPosition(row) };
    if (row.event_id === null) heads.set(row.stream_id, found);
    else known.set(row.event_id.toLowerCase(), { ...found, streamId: row.stream_id });
  }
  return { heads, known };
}

async function insert(db: Knex, rows: readonly PlannedRow[]): Promise<Map<string, InsertedRow>> {
  const { rows: inserted } = await db.raw<{ rows: InsertedRow[] }>(INSERT_SQL, [
    rows.map((r) => r.event.id),
    rows.map((r) => r.streamId),
    rows.map((r) => r.revision.toString()),
    rows.map((r) => r.event.type),
    rows.map((r) => r.event.version),
    rows.map((r) => JSON.stringify(r.event.data ?? null)),
    rows.map((r) => JSON.stringify(r.event.metadata)),
    rows.map((r) => r.event.occurredAt.toISOString()),
  ]);
  return new Map(inserted.map((row) => [row.event_id.toLowerCase(), row]));
}

export interface BatchOutcome {
  /** One entry per request; undefined for the deferred ones. */
  readonly results: ReadonlyArray<AppendResult | Error | undefined>;
  /** Requests that must be appended on their own after this batch (see planAppend). */
  readonly deferred: readonly number[];
}

/**
 * Group commit: one lookup and one multi-row insert for every request of the batch. Throws when the
 * insert fails as a whole (a concurrent writer took a revision or an id since the lookup, or a row
 * was rejected); then nothing of the batch was written.
 *
 * `db` may be a transaction (tests use that to hold an append's transaction open); with PGlite's single
 * connection, code inside a transaction must pass the transaction here, never the outer knex.
 */
export async function writeBatch(db: Knex, requests: readonly AppendRequest[]): Promise<BatchOutcome> {
  const invalid = validateRequests(requests);
  const keys = lookupKeys(requests, invalid);
  const plan = planAppend(requests, await lookup(db, keys.streamIds, keys.eventIds), invalid);
  const results: Array<AppendResult | Error | undefined> = requests.map((_, i) => plan.decided.get(i));
  if (plan.rows.length === 0) return { results, deferred: plan.deferred };

  const inserted = await insert(db, plan.rows);
  const last = new Map<number, PlannedRow>();
  for (const row of plan.rows) {
    const previous = last.get(row.requestIndex);
    if (!previous || previous.revision < row.revision) last.set(row.requestIndex, row);
  }
  for (const [index, row] of last) {
    const written = inserted.get(row.event.id.toLowerCase());
    if (!written) throw new Error(`Insert returned no row for event ${row.event.id}`);
    results[index] = { nextRevision: row.revision, position: toPosition(written) };
  }
  return { results, deferred: plan.deferred };
}

const RETRYABLE = new Set(['23505', '40P01', '40001']);

/** A unique violation (a concurrent writer got there first), a deadlock or a serialization failure. */
export const isWriteConflict = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  typeof error.code === 'string' &&
  RETRYABLE.has(error.code);
