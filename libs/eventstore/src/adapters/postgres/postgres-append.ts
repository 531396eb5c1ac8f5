import { toBigInt } from '@gw/database';
import { comparePositions, type RecordedEvent } from '@gw/shared-kernel';
import type { Knex } from 'knex';
import type { ChainKey } from '../../chain/audit-keys';
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
  /** A stream head's chain hash (null for a known event, or a head written before chains). */
  readonly chain_hash: string | null;
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
         null::text as event_id, h.metadata->'chain'->>'hash' as chain_hash
    from unnest(?::text[]) as s(stream_id)
    cross join lateral (
      select e.stream_id, e.stream_revision, e.transaction_id, e.global_position, e.metadata
        from events e
       where e.stream_id = s.stream_id
       order by e.stream_revision desc
       limit 1) h
  union all
  select stream_id, stream_revision, transaction_id::text, global_position, event_id::text, null::text
    from events
   where event_id = any(?::uuid[])`;

const INSERT_COLUMNS = '(event_id, stream_id, stream_revision, type, version, data, metadata, occurred_at)';
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?)';
/** Postgres binds at most 65,535 parameters per statement: 8 per row. */
const MAX_ROWS_PER_INSERT = 8_000;

async function lookup(db: Knex, streamIds: string[], eventIds: string[]): Promise<Lookup> {
  const heads = new Map<string, StreamHead>();
  const known = new Map<string, KnownEvent>();
  if (streamIds.length === 0) return { heads, known };
  const { rows } = await db.raw<{ rows: LookupRow[] }>(LOOKUP_SQL, [streamIds, eventIds]);
  for (const row of rows) {
    const found = { revision: toBigInt(row.stream_revision), position: toPosition(row) };
    if (row.event_id === null) heads.set(row.stream_id, { ...found, hash: row.chain_hash });
    else known.set(row.event_id.toLowerCase(), { ...found, streamId: row.stream_id });
  }
  return { heads, known };
}

/**
 * One multi-row `insert … values` per batch (up to 8,000 rows): plain parameters parse faster than
 * array literals of escaped JSON, which matters when PGlite runs the statement on the event loop.
 */
async function insert(
  db: Knex,
  rows: readonly PlannedRow[],
  json: readonly SerializedPayload[],
): Promise<Map<string, InsertedRow>> {
  const result = new Map<string, InsertedRow>();
  for (let start = 0; start < rows.length; start += MAX_ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + MAX_ROWS_PER_INSERT);
    const bindings: Array<string | number> = [];
    chunk.forEach((r, i) => {
      const { data, metadata } = json[start + i]!;
      bindings.push(
        r.event.id,
        r.streamId,
        r.revision.toString(),
        r.event.type,
        r.event.version,
        data,
        metadata,
        r.event.occurredAt.toISOString(),
      );
    });
    const { rows: inserted } = await db.raw<{ rows: InsertedRow[] }>(
      `insert into events ${INSERT_COLUMNS} values ${chunk.map(() => ROW_PLACEHOLDERS).join(', ')}
       returning event_id::text as event_id, transaction_id::text as transaction_id, global_position`,
      bindings,
    );
    for (const row of inserted) result.set(row.event_id.toLowerCase(), row);
  }
  return result;
}

/** An event's payloads as JSON text: serialised once, for the insert and for the in-process copy. */
interface SerializedPayload {
  readonly data: string;
  readonly metadata: string;
}

export interface BatchOutcome {
  /** One entry per request; undefined for the deferred ones. */
  readonly results: ReadonlyArray<AppendResult | Error | undefined>;
  /** Requests that must be appended on their own after this batch (see planAppend). */
  readonly deferred: readonly number[];
  /** What the insert wrote, in log order (for in-process subscribers). */
  readonly written: readonly RecordedEvent[];
}

export interface WriteBatchOptions {
  /**
   * Skip the lookup when every request expects `no_stream` (new request streams): the unique indexes
   * still reject an existing stream or event id, and the caller then retries with the lookup. Saves
   * one round trip on the chat hot path.
   */
  readonly optimistic?: boolean;
  /** Key the chain links with it (HMAC-SHA256); without, plain SHA-256 links. */
  readonly chainKey?: ChainKey;
}

const NOTHING_KNOWN: Lookup = { heads: new Map(), known: new Map() };

/**
 * Group commit: one lookup and one multi-row insert for every request of the batch. Throws when the
 * insert fails as a whole (a concurrent writer took a revision or an id since the lookup, or a row
 * was rejected); then nothing of the batch was written.
 *
 * `db` may be a transaction (tests use that to hold an append's transaction open); with PGlite's single
 * connection, code inside a transaction must pass the transaction here, never the outer knex.
 */
export async function writeBatch(
  db: Knex,
  requests: readonly AppendRequest[],
  options: WriteBatchOptions = {},
): Promise<BatchOutcome> {
  const invalid = validateRequests(requests);
  const skipLookup = options.optimistic === true && requests.every((r) => r.expectedRevision === 'no_stream');
  const keys = lookupKeys(requests, invalid);
  const found = skipLookup ? NOTHING_KNOWN : await lookup(db, keys.streamIds, keys.eventIds);
  const plan = planAppend(requests, found, invalid, options.chainKey);
  const results: Array<AppendResult | Error | undefined> = requests.map((_, i) => plan.decided.get(i));
  if (plan.rows.length === 0) return { results, deferred: plan.deferred, written: [] };

  const json = plan.rows.map((row) => ({
    data: row.dataJson,
    metadata: row.metadataJson,
  }));
  const inserted = await insert(db, plan.rows, json);
  const last = new Map<number, PlannedRow>();
  for (const row of plan.rows) {
    const previous = last.get(row.requestIndex);
    if (!previous || previous.revision < row.revision) last.set(row.requestIndex, row);
  }
  const written: RecordedEvent[] = plan.rows.map((row, i) => {
    const insertedRow = inserted.get(row.event.id.toLowerCase());
    if (!insertedRow) throw new Error(`Insert returned no row for event ${row.event.id}`);
    // As a reader would see it: JSON round-tripped, so subscribers never share the writer's objects.
    return {
      ...row.event,
      id: row.event.id.toLowerCase(),
      data: JSON.parse(json[i]!.data) as unknown,
      metadata: JSON.parse(json[i]!.metadata) as RecordedEvent['metadata'],
      streamId: row.streamId,
      revision: row.revision,
      position: toPosition(insertedRow),
    };
  });
  written.sort((a, b) => comparePositions(a.position, b.position));
  for (const [index, row] of last) {
    const insertedRow = inserted.get(row.event.id.toLowerCase())!;
    results[index] = { nextRevision: row.revision, position: toPosition(insertedRow) };
  }
  return { results, deferred: plan.deferred, written };
}

const RETRYABLE = new Set(['23505', '40P01', '40001']);

/** A unique violation (a concurrent writer got there first), a deadlock or a serialization failure. */
export const isWriteConflict = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  typeof error.code === 'string' &&
  RETRYABLE.has(error.code);
