import type { NewEvent, Position, RecordedEvent } from '@gw/shared-kernel';

/**
 * What the stream must look like for an append to go through.
 * - `any`: no check.
 * - `no_stream`: the stream must not exist yet.
 * - `stream_exists`: the stream must have at least one event.
 * - a bigint: the revision of the stream's last event must be exactly this (0-based).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextRevision: bigint;
  /** Position of the last appended event in the global log. */
  readonly position: Position;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards default 0, backwards default the end. */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default: from the beginning. */
  readonly after?: Position;
  readonly maxCount?: number;
  /** Only events of these types (filtered by the store, not by the caller). Default: all. */
  readonly eventTypes?: readonly string[];
}

export interface SubscribeToAllOptions {
  /** Exclusive checkpoint: delivery starts with the first event after it. Default: the beginning. */
  readonly after?: Position;
  /**
   * Only events of these types, filtered by the store (a reader that needs a few types of a large log
   * does not ship the rest). Default: all.
   */
  readonly eventTypes?: readonly string[];
  /**
   * Receives events in global order, in batches (one or more), catching up first, then live.
   * The next batch is not delivered until the returned promise settles. If it rejects, the
   * subscription stops and `onError` is called; the caller restarts from its own checkpoint.
   */
  readonly handle: (events: readonly RecordedEvent[]) => Promise<void>;
  /** Called once, the first time the subscription has delivered everything that existed. */
  readonly onCaughtUp?: () => void;
  readonly onError?: (error: Error) => void;
  readonly maxBatchSize?: number;
  /**
   * Once caught up, wait this long after new events appear before delivering them, so that bursts
   * arrive as one batch (fewer read-model transactions). Default 0: deliver at once.
   */
  readonly liveBatchDelayMs?: number;
}

export interface ListStreamsOptions {
  /** Only streams whose id starts with this (a category is `<category>-`). Default: every stream. */
  readonly prefix?: string;
  /** Exclusive: stream ids sorting after this one (the previous page's last id). */
  readonly after?: string;
  /** Page size. Default 100. */
  readonly limit?: number;
}

export interface Subscription {
  /** Stops delivery; resolves after the batch in progress (if any) has been handled. */
  stop(): Promise<void>;
}

/** One event of a {@link LogScanPage}. */
export interface ScannedEvent {
  readonly type: string;
  readonly occurredAt: Date;
  readonly data: unknown;
  /** The whole event: for the types in {@link LogScanOptions.wholeTypes} only. */
  readonly event?: RecordedEvent;
}

export interface LogScanOptions {
  /** Exclusive: entries strictly after this position. Default: from the beginning. */
  readonly after?: Position;
  /** The types returned (filtered by the store). */
  readonly eventTypes: readonly string[];
  /** Of those, the types returned whole (`event`); the others carry their type, time and payload only. */
  readonly wholeTypes?: readonly string[];
  /** How many entries of the log (of any type) one page looks at. */
  readonly scanCount: number;
}

export interface LogScanPage {
  /** The entries of `eventTypes` among those looked at, in log order. */
  readonly events: readonly ScannedEvent[];
  /** The last entry looked at (of any type), when the page is not the end: the next starts after it. */
  readonly last?: Position;
  /** True when the page looked at fewer than `scanCount` entries: it reached the end of the log. */
  readonly end: boolean;
}

/**
 * A narrow bulk read of the log, for a reader that goes through a large part of it and needs only
 * the payloads of most events (the what-if loader): the Postgres adapter answers a page with one row
 * (the payloads aggregated in SQL), where readAll ships one row per event with every column. Same
 * visibility as readAll. Adapters without it are read through readAll (see `scanLog`).
 */
export interface LogScanner {
  scanLog(options: LogScanOptions): Promise<LogScanPage>;
}

/**
 * The event store port. Adapters: in-memory (unit tests), Postgres via knex (PostgreSQL and PGlite),
 * EventStoreDB. All of them pass `eventStoreContract` in ./testing.
 */
export interface EventStore {
  /** Appends atomically to one stream. Idempotent by event id: re-appending the same events is a no-op. */
  append(request: AppendRequest): Promise<AppendResult>;
  /**
   * Several appends in as few writes as the adapter can manage (group commit). Each request succeeds
   * or fails on its own: the result at index i is that request's AppendResult or the Error it failed with.
   */
  appendMany(requests: readonly AppendRequest[]): Promise<ReadonlyArray<AppendResult | Error>>;
  /** A missing stream reads as []. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Stream ids in ascending (code point) order, one page at a time: what an auditor browses. */
  listStreams(options?: ListStreamsOptions): Promise<string[]>;
  /** Forwards through the global log. Only returns events no earlier transaction can still precede. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options: SubscribeToAllOptions): Subscription;
  /** Position of the last event a subscriber could see now (null when the log is empty). */
  headPosition(): Promise<Position | null>;
  /** Cheap round-trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
