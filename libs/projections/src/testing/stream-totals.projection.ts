import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import type { Projection } from '../projection';
import { alreadyApplied, rowProjection, type RowChange } from '../row-projection';
import { SAMPLE_EVENT_TYPES, type SampleEvent } from './sample-events';

/** The sample read model: per stream, how many amount/reset events, the running sum, the resets. */
export interface StreamTotals {
  readonly streamId: string;
  readonly events: number;
  readonly sum: bigint;
  readonly resets: number;
  readonly lastPosition: Position;
}

/** How rows compare across PGlite and PostgreSQL: every column as text. */
export interface StreamTotalsSnapshotRow {
  readonly stream_id: string;
  readonly events: string;
  readonly sum: string;
  readonly resets: string;
  readonly last_commit: string;
  readonly last_prepare: string;
}

export async function createStreamTotalsTable(
  db: Knex,
  name = `stream_totals_${randomUUID().slice(0, 8)}`,
): Promise<string> {
  await db.schema.createTable(name, (t) => {
    t.text('stream_id').primary();
    t.integer('events').notNullable();
    t.bigInteger('sum').notNullable();
    t.integer('resets').notNullable();
    t.decimal('last_commit', 20, 0).notNullable();
    t.decimal('last_prepare', 20, 0).notNullable();
  });
  return name;
}

/** Pure: the row after one event; skips events the row already holds (idempotent). */
export function evolveStreamTotals(row: StreamTotals | null, event: SampleEvent): StreamTotals {
  if (row && alreadyApplied(row.lastPosition, event)) return row;
  const current = row ?? {
    streamId: event.streamId,
    events: 0,
    sum: 0n,
    resets: 0,
    lastPosition: event.position,
  };
  return event.type === 'AmountAdded'
    ? {
        ...current,
        events: current.events + 1,
        sum: current.sum + BigInt(event.data.amount),
        lastPosition: event.position,
      }
    : {
        ...current,
        events: current.events + 1,
        sum: 0n,
        resets: current.resets + 1,
        lastPosition: event.position,
      };
}

export interface StreamTotalsOptions {
  readonly name: string;
  readonly table: string;
  readonly version?: number;
  /** Called before each row write: fault injection throws from here. */
  readonly beforeWrite?: (streamId: string) => void;
  /** After writing its rows, `apply` throws when the batch holds such an event (a poison event). */
  readonly failOn?: (event: RecordedEvent) => boolean;
}

interface DbRow {
  readonly stream_id: string;
  readonly events: number;
  readonly sum: string | number | bigint;
  readonly resets: number;
  readonly last_commit: string;
  readonly last_prepare: string;
}

/** The sample projection: the pure fold above plus a thin knex writer, one statement per row. */
export function streamTotalsProjection(options: StreamTotalsOptions): Projection {
  const inner = rowProjection<StreamTotals, SampleEvent>({
    name: options.name,
    version: options.version ?? 1,
    table: options.table,
    handles: SAMPLE_EVENT_TYPES,
    keyOf: (e) => e.streamId,
    evolve: evolveStreamTotals,
    async load(trx, keys) {
      const rows = await trx<DbRow>(options.table).whereIn('stream_id', keys);
      return new Map(
        rows.map((r) => [
          r.stream_id,
          {
            streamId: r.stream_id,
            events: Number(r.events),
            sum: BigInt(r.sum),
            resets: Number(r.resets),
            lastPosition: { commit: BigInt(r.last_commit), prepare: BigInt(r.last_prepare) },
          },
        ]),
      );
    },
    async save(trx, changes: readonly RowChange<StreamTotals>[]) {
      for (const { key, row } of changes) {
        options.beforeWrite?.(key);
        if (row === null) {
          await trx(options.table).where({ stream_id: key }).delete();
          continue;
        }
        await trx(options.table)
          .insert({
            stream_id: row.streamId,
            events: row.events,
            sum: row.sum.toString(),
            resets: row.resets,
            last_commit: row.lastPosition.commit.toString(),
            last_prepare: row.lastPosition.prepare.toString(),
          })
          .onConflict('stream_id')
          .merge();
      }
    },
  });
  const failOn = options.failOn;
  if (!failOn) return inner;
  return {
    ...inner,
    async apply(trx, events) {
      await inner.apply(trx, events);
      const poison = events.find(failOn);
      if (poison) throw new Error(`poison event ${poison.id} cannot be projected`);
    },
  };
}

/** Every row of the table, ordered, as text. */
export async function snapshotStreamTotals(
  db: Knex | Knex.Transaction,
  table: string,
): Promise<StreamTotalsSnapshotRow[]> {
  const { rows } = await db.raw<{ rows: StreamTotalsSnapshotRow[] }>(
    `select stream_id, events::text as events, sum::text as sum, resets::text as resets,
            last_commit::text as last_commit, last_prepare::text as last_prepare
       from ?? order by stream_id collate "C"`,
    [table],
  );
  return rows;
}

/**
 * The expected rows, computed straight from the log without the projection's code: events up to
 * `upTo` (inclusive), minus those in `skip` (dead-lettered).
 */
export function expectedStreamTotals(
  log: readonly RecordedEvent[],
  upTo: Position | null,
  skip: ReadonlySet<string> = new Set(),
): StreamTotalsSnapshotRow[] {
  const rows = new Map<string, { events: number; sum: bigint; resets: number; last: Position }>();
  for (const e of log) {
    if (upTo === null || comparePositions(e.position, upTo) > 0) break;
    if (!SAMPLE_EVENT_TYPES.has(e.type) || skip.has(e.id)) continue;
    const row = rows.get(e.streamId) ?? { events: 0, sum: 0n, resets: 0, last: e.position };
    row.events += 1;
    row.last = e.position;
    if (e.type === 'TotalsReset') {
      row.sum = 0n;
      row.resets += 1;
    } else {
      row.sum += BigInt((e.data as { amount: number }).amount);
    }
    rows.set(e.streamId, row);
  }
  return [...rows]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([streamId, r]) => ({
      stream_id: streamId,
      events: String(r.events),
      sum: r.sum.toString(),
      resets: String(r.resets),
      last_commit: r.last.commit.toString(),
      last_prepare: r.last.prepare.toString(),
    }));
}
