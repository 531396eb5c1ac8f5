import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import type { Knex } from 'knex';
import type { ChainKey } from '../../chain/audit-keys';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ListStreamsOptions,
  LogScanner,
  LogScanOptions,
  LogScanPage,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeToAllOptions,
  Subscription,
} from '../../event-store.port';
import { pollingSubscription } from './polling-subscription';
import { scanPostgresLog } from './postgres-log-scan';
import { isWriteConflict, writeBatch, type BatchOutcome } from './postgres-append';
import {
  EVENT_COLUMNS,
  SETTLED,
  toPosition,
  toRecordedEvent,
  type EventRow,
  type PositionRow,
} from './postgres-rows';
import { OpenSubscriptions } from '../open-subscriptions';

export interface PostgresEventStoreOptions {
  /** How often a caught-up subscription looks for events appended by other processes. Default 100 ms. */
  readonly pollIntervalMs?: number;
  /**
   * Every append to this database goes through this instance (PGlite: one process, one connection).
   * Caught-up subscriptions then take new events from the append itself instead of reading them back,
   * and poll only as a safety net (every `pollIntervalMs`, default 1 s in this mode).
   */
  readonly singleWriter?: boolean;
  /** Destroy the knex instance in close(). Default false: whoever created it owns it. */
  readonly destroyOnClose?: boolean;
  /** The audit chain key: links are keyed with it (HMAC-SHA256). Without, plain SHA-256 links. */
  readonly chainKey?: ChainKey;
}

/** Attempts of one append when concurrent writers keep taking the revision it computed. */
const MAX_ATTEMPTS = 50;

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The event store on PostgreSQL or PGlite through knex (table `events`, created by the migration
 * 20261123120000_create_event_store). Positions are (transaction id, global position); readers only see
 * transactions that can no longer be preceded by one in flight, so none is ever skipped.
 */
export class PostgresEventStore implements EventStore, LogScanner {
  private appended = 0;
  private lastAppended: Position | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly appendListeners = new Set<(events: readonly RecordedEvent[]) => void>();
  private readonly subscriptions = new OpenSubscriptions();
  private readonly pollIntervalMs: number;

  constructor(
    private readonly knex: Knex,
    private readonly options: PostgresEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? (options.singleWriter ? 1_000 : 100);
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    for (let attempt = 1; ; attempt += 1) {
      let outcome: BatchOutcome;
      try {
        outcome = await writeBatch(this.knex, [request], {
          optimistic: attempt === 1,
          chainKey: this.options.chainKey,
        });
      } catch (e) {
        if (!isWriteConflict(e) || attempt >= MAX_ATTEMPTS) throw e;
        await pause(Math.random() * Math.min(attempt, 10));
        continue;
      }
      const result = outcome.results[0];
      if (result instanceof Error) throw result;
      if (!result) throw new Error('Append returned no result');
      this.notifyAppended([result], outcome.written);
      return result;
    }
  }

  /**
   * Group commit: one lookup and one insert for the whole batch. Requests that fail their checks fail
   * alone. If the insert fails as a whole (a concurrent writer, a row the database rejects), it is
   * planned once more; if that fails too, every request is appended on its own.
   */
  async appendMany(requests: readonly AppendRequest[]): Promise<ReadonlyArray<AppendResult | Error>> {
    if (requests.length === 0) return [];
    let outcome: BatchOutcome | undefined;
    for (let attempt = 1; attempt <= 3 && !outcome; attempt += 1) {
      try {
        outcome = await writeBatch(this.knex, requests, {
          optimistic: attempt === 1,
          chainKey: this.options.chainKey,
        });
      } catch (e) {
        if (!isWriteConflict(e)) break;
      }
    }
    const results: Array<AppendResult | Error | undefined> = outcome
      ? [...outcome.results]
      : requests.map(() => undefined);
    const alone = outcome ? outcome.deferred : requests.map((_, i) => i);
    if (outcome) this.notifyAppended(outcome.results, outcome.written);
    await this.appendAlone(requests, alone, results);
    return results.map((r) => r ?? new Error('appendMany produced no result'));
  }

  /** Requests to one stream go in order; different streams go concurrently. */
  private async appendAlone(
    requests: readonly AppendRequest[],
    indexes: readonly number[],
    results: Array<AppendResult | Error | undefined>,
  ): Promise<void> {
    const byStream = new Map<string, number[]>();
    for (const i of indexes) {
      const streamId = requests[i]!.streamId;
      byStream.set(streamId, [...(byStream.get(streamId) ?? []), i]);
    }
    await Promise.all(
      [...byStream.values()].map(async (chain) => {
        for (const i of chain) results[i] = await this.append(requests[i]!).catch(toError);
      }),
    );
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const bound =
      options.fromRevision === undefined ? '' : `and stream_revision ${backwards ? '<=' : '>='} ?`;
    const bindings: Array<string | number | null> = [streamId];
    if (options.fromRevision !== undefined) bindings.push(options.fromRevision.toString());
    bindings.push(options.maxCount ?? null);
    const { rows } = await this.knex.raw<{ rows: EventRow[] }>(
      `select ${EVENT_COLUMNS} from events where stream_id = ? ${bound}
        order by stream_revision ${backwards ? 'desc' : 'asc'} limit ?`,
      bindings,
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * Every stream has a revision 0 row: an index range over (stream_id, stream_revision). Sorted with
   * `collate "C"` (code points, as the other adapters sort); the prefix is matched with starts_with, so
   * `%` and `_` in it are plain characters.
   */
  async listStreams(options: ListStreamsOptions = {}): Promise<string[]> {
    const { prefix = '', after, limit = 100 } = options;
    const { rows } = await this.knex.raw<{ rows: Array<{ stream_id: string }> }>(
      `select stream_id from events
        where stream_revision = 0 and starts_with(stream_id, ?)
          ${after === undefined ? '' : 'and stream_id collate "C" > ?'}
        order by stream_id collate "C" limit ?`,
      after === undefined ? [prefix, limit] : [prefix, after, limit],
    );
    return rows.map((r) => r.stream_id);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after && options.after.commit >= 0n ? options.after : undefined;
    const bindings: Array<string | number | null | readonly string[]> = after
      ? [after.commit.toString(), after.prepare.toString()]
      : [];
    if (options.eventTypes) bindings.push(options.eventTypes);
    bindings.push(options.maxCount ?? null);
    const { rows } = await this.knex.raw<{ rows: EventRow[] }>(
      `select ${EVENT_COLUMNS} from events where ${SETTLED}
        ${after ? 'and (transaction_id, global_position) > (?::xid8, ?::int8)' : ''}
        ${options.eventTypes ? 'and type = any(?::text[])' : ''}
        order by events.transaction_id, events.global_position limit ?`,
      bindings as Array<string | number | null | string[]>,
    );
    return rows.map(toRecordedEvent);
  }

  /** A page of the log in one row (see scanPostgresLog): what the what-if loader reads. */
  scanLog(options: LogScanOptions): Promise<LogScanPage> {
    return scanPostgresLog(this.knex, options);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const source = {
      readAll: (o: ReadAllOptions) => this.readAll(o),
      headPosition: () => this.headPosition(),
      appendCount: () => this.appended,
      appendedAfter: (checkpoint: Position | undefined) =>
        this.lastAppended !== undefined &&
        (!checkpoint || comparePositions(this.lastAppended, checkpoint) > 0),
      waitForAppend: (seen: number, timeoutMs: number, signal: AbortSignal) =>
        this.waitForAppend(seen, timeoutMs, signal),
      onAppended: this.options.singleWriter
        ? (listener: (events: readonly RecordedEvent[]) => void) => {
            this.appendListeners.add(listener);
            return () => this.appendListeners.delete(listener);
          }
        : undefined,
    };
    return this.subscriptions.track(options, (tracked) =>
      pollingSubscription(source, tracked, this.pollIntervalMs),
    );
  }

  async headPosition(): Promise<Position | null> {
    const { rows } = await this.knex.raw<{ rows: PositionRow[] }>(
      `select transaction_id::text as transaction_id, global_position from events where ${SETTLED}
        order by events.transaction_id desc, events.global_position desc limit 1`,
    );
    return rows[0] ? toPosition(rows[0]) : null;
  }

  async ping(): Promise<void> {
    await this.knex.raw('select 1');
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    if (this.options.destroyOnClose) await this.knex.destroy();
  }

  private notifyAppended(
    results: ReadonlyArray<AppendResult | Error | undefined>,
    written: readonly RecordedEvent[],
  ): void {
    if (written.length > 0) for (const listener of this.appendListeners) listener(written);
    for (const r of results) {
      if (!r || r instanceof Error || r.position.commit < 0n) continue;
      if (!this.lastAppended || comparePositions(r.position, this.lastAppended) > 0)
        this.lastAppended = r.position;
    }
    this.appended += 1;
    for (const wake of [...this.waiters]) wake();
  }

  private waitForAppend(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.appended !== seen || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
