import type { EventMetadata } from '@gw/shared-kernel';
import type { Knex } from 'knex';
import type { LogScanOptions, LogScanPage, ScannedEvent } from '../../event-store.port';
import { SETTLED, toRecordedEvent } from './postgres-rows';

/** A page as the query answers it: one row. */
interface ScanRow {
  /** JSON array of the matching entries not in `wholeTypes` (see PAYLOAD), null when none. */
  readonly payloads: string | null;
  /** JSON array of the matching entries in `wholeTypes` (see WHOLE), null when none. */
  readonly wholes: string | null;
  readonly scanned: number;
  /** The last entry looked at, as `transaction_id,global_position`: only when the page is full. */
  readonly last: string | null;
}

/** [n, type, epoch ms, data] */
type PayloadEntry = [number, string, number, unknown];
/** [n, type, occurred_at, data, event_id, stream_id, stream_revision, version, metadata, transaction_id, global_position] */
type WholeEntry = [
  number,
  string,
  string,
  unknown,
  string,
  string,
  string,
  number,
  EventMetadata,
  string,
  string,
];

const PAYLOAD = `json_build_array(n, type, (date_part('epoch', occurred_at) * 1000)::int8, data)`;
const WHOLE = `json_build_array(n, type, occurred_at, data, event_id, stream_id, stream_revision::text, version,
  metadata, transaction_id::text, global_position::text)`;

/**
 * One page of the log in one row: the next `scanCount` settled entries in (transaction id, position)
 * order, by the index on those columns, whatever their type (so the plan never depends on how common
 * a type is: on an unanalysed table, as PGlite's always is, a type filter in the scan gets a bitmap
 * scan and a sort of everything after `after`, for every page); the entries of `eventTypes` among them
 * aggregated into JSON text. PGlite's cost is per row returned and per column converted, so one row
 * per page with only type, time and payload (for all but `wholeTypes`) is what makes a bulk read
 * cheap there. `n` numbers the entries in log order, so the merge of the two arrays does not rest on
 * an aggregate reading its input in order.
 */
export async function scanPostgresLog(knex: Knex, options: LogScanOptions): Promise<LogScanPage> {
  const after = options.after && options.after.commit >= 0n ? options.after : undefined;
  const whole = new Set(options.wholeTypes ?? []);
  const bindings: Array<string | number | readonly string[]> = [
    options.eventTypes.filter((t) => !whole.has(t)),
    options.eventTypes.filter((t) => whole.has(t)),
    options.scanCount,
    ...(after ? [after.commit.toString(), after.prepare.toString()] : []),
    options.scanCount,
  ];
  const { rows } = await knex.raw<{ rows: ScanRow[] }>(
    `select (json_agg(${PAYLOAD}) filter (where type = any(?::text[])))::text as payloads,
            (json_agg(${WHOLE}) filter (where type = any(?::text[])))::text as wholes,
            count(*)::int as scanned,
            min(transaction_id::text || ',' || global_position) filter (where n = ?) as last
       from (select *, row_number() over (order by transaction_id, global_position) as n
               from (select type, data, occurred_at, event_id, stream_id, stream_revision, version, metadata,
                            transaction_id, global_position
                       from events where ${SETTLED}
                       ${after ? 'and (transaction_id, global_position) > (?::xid8, ?::int8)' : ''}
                      order by events.transaction_id, events.global_position limit ?) page) numbered`,
    bindings as Array<string | number | string[]>,
  );
  const row = rows[0];
  const entries: Array<PayloadEntry | WholeEntry> = row?.payloads
    ? (JSON.parse(row.payloads) as PayloadEntry[])
    : [];
  if (row?.wholes) entries.push(...(JSON.parse(row.wholes) as WholeEntry[]));
  if (entries.some((e, i) => i > 0 && e[0] < entries[i - 1]![0])) entries.sort((a, b) => a[0] - b[0]);
  const [commit, prepare] = row?.last?.split(',') ?? [];
  return {
    events: entries.map(toScannedEvent),
    ...(commit && prepare && { last: { commit: BigInt(commit), prepare: BigInt(prepare) } }),
    end: Number(row?.scanned ?? 0) < options.scanCount,
  };
}

function toScannedEvent(entry: PayloadEntry | WholeEntry): ScannedEvent {
  if (entry.length === 4) return { type: entry[1], occurredAt: new Date(entry[2]), data: entry[3] };
  const [, type, occurredAt, data, id, streamId, revision, version, metadata, commit, prepare] = entry;
  const event = toRecordedEvent({
    event_id: id,
    stream_id: streamId,
    stream_revision: revision,
    type,
    version,
    data,
    metadata,
    occurred_at: occurredAt,
    transaction_id: commit,
    global_position: prepare,
  });
  return { type, occurredAt: event.occurredAt, data, event };
}
