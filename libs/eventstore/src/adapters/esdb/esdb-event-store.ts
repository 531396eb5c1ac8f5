import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  type AllStreamRecordedEvent,
  type Direction,
  type ReadPosition,
} from '@eventstore/db-client';
import { comparePositions, type NewEvent, type Position, type RecordedEvent } from '@gw/shared-kernel';
import { assertDistinctIds, assertSerializable, checkExpectedRevision } from '../../append-checks';
import type { ChainKey } from '../../chain/audit-keys';
import { chainEvents, chainHeadOf } from '../../chain/event-chain';
import { WrongExpectedRevisionError } from '../../event-store.errors';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ListStreamsOptions,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeToAllOptions,
  Subscription,
} from '../../event-store.port';
import {
  UNKNOWN_POSITION,
  fromEsdbEvent,
  isSystemEvent,
  toEsdbExpectedRevision,
  toEventData,
} from './esdb-mapping';
import { batchSubscription } from './esdb-subscription';
import { OpenSubscriptions } from '../open-subscriptions';

/** Events read from $all per request while skipping system events. */
const PAGE_SIZE = 500;

/** Attempts of an `any` / `stream_exists` append while concurrent writers keep moving the head. */
const MAX_APPEND_ATTEMPTS = 20;

/** The stream's tail (read backwards) is exactly these events, in order. */
const isTail = (tailBackwards: readonly RecordedEvent[], events: readonly NewEvent[]): boolean =>
  tailBackwards.length === events.length &&
  tailBackwards.every((e, i) => e.id.toLowerCase() === events[events.length - 1 - i]!.id.toLowerCase());

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/**
 * The event store on EventStoreDB / KurrentDB. Positions are the server's own (commit, prepare).
 * Differences from the other adapters, all from the server: its duplicate-event check is best effort
 * (ids are only compared with the events at the expected revision), and an id used in another stream is
 * not detected. DESIGN.md: billing dedupe is the gateway's own job.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;
  private readonly subscriptions = new OpenSubscriptions();

  /**
   * A connection string (default: EVENTSTORE_URL) or a client the caller owns; with `chainKey` the
   * chain links are keyed (HMAC-SHA256).
   */
  constructor(
    connection: string | EventStoreDBClient | undefined = process.env.EVENTSTORE_URL,
    private readonly options: { readonly chainKey?: ChainKey } = {},
  ) {
    if (connection === undefined)
      throw new Error('EsdbEventStore needs a connection string (EVENTSTORE_URL)');
    this.ownsClient = typeof connection === 'string';
    this.client =
      typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
  }

  /**
   * The hash chain needs the stream's last event: a new stream (`no_stream`) starts at prev = null with
   * no read; otherwise the tail is read, the expectation checked against it, and the append pinned to
   * that revision, so no concurrent writer can slip in between the event and the hash it chains to
   * (`any` / `stream_exists` then chain again from the new head). A re-append of the events already at
   * the tail is recognised there, as the server would at the revision it was first written at.
   */
  async append({ streamId, events, expectedRevision = 'any' }: AppendRequest): Promise<AppendResult> {
    assertSerializable(events);
    assertDistinctIds(events);
    if (events.length === 0) return this.checkOnly(streamId, expectedRevision);
    for (let attempt = 1; ; attempt += 1) {
      const tail =
        expectedRevision === 'no_stream'
          ? []
          : await this.readStream(streamId, { direction: 'backwards', maxCount: events.length });
      const last = tail[0];
      const current = last?.revision ?? -1n;
      if (last && isTail(tail, events)) return { nextRevision: current, position: last.position };
      checkExpectedRevision(streamId, expectedRevision, current);
      const chained = chainEvents(
        events,
        streamId,
        current + 1n,
        chainHeadOf(last),
        undefined,
        undefined,
        this.options.chainKey,
      );
      const pinned: ExpectedRevision =
        expectedRevision === 'no_stream' || current < 0n ? 'no_stream' : current;
      try {
        const result = await this.client.appendToStream(streamId, chained.map(toEventData), {
          expectedRevision: toEsdbExpectedRevision(pinned),
        });
        const position = result.position ?? (await this.positionOf(streamId, result.nextExpectedRevision));
        return { nextRevision: result.nextExpectedRevision, position };
      } catch (e) {
        if (!(e instanceof WrongExpectedVersionError)) throw e;
        const mayRechain = expectedRevision === 'any' || expectedRevision === 'stream_exists';
        if (!mayRechain || attempt >= MAX_APPEND_ATTEMPTS)
          throw new WrongExpectedRevisionError(streamId, String(expectedRevision), `${e.actualVersion}`);
      }
    }
  }

  /**
   * EventStoreDB has no transaction across streams: the appends run concurrently, except that requests
   * to the same stream run one after the other in the order given.
   */
  async appendMany(requests: readonly AppendRequest[]): Promise<ReadonlyArray<AppendResult | Error>> {
    const results: Array<AppendResult | Error> = new Array<AppendResult | Error>(requests.length);
    const byStream = new Map<string, number[]>();
    requests.forEach((r, i) => byStream.set(r.streamId, [...(byStream.get(r.streamId) ?? []), i]));
    await Promise.all(
      [...byStream.values()].map(async (chain) => {
        for (const i of chain) results[i] = await this.append(requests[i]!).catch(toError);
      }),
    );
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    const out: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read) {
        if (resolved.event) out.push(fromEsdbEvent(resolved.event));
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw e;
    }
    return out;
  }

  /**
   * EventStoreDB keeps no sorted list of streams: the first event of every stream is found by a scan
   * of $all (non-system events only), then sorted and paged. Fine for an auditor's browsing; a large
   * server would want the $streams system projection instead.
   */
  async listStreams(options: ListStreamsOptions = {}): Promise<string[]> {
    const { prefix = '', after, limit = 100 } = options;
    const found = new Set<string>();
    let from: Position | undefined;
    for (;;) {
      const { events: page, full } = await this.page(from ?? START, FORWARDS);
      for (const e of page) {
        if (from && comparePositions(e.position, from) <= 0) continue;
        if (!isSystemEvent(e) && e.revision === 0n && e.streamId.startsWith(prefix)) found.add(e.streamId);
      }
      const last = page[page.length - 1];
      if (!full || !last) break;
      from = last.position;
    }
    return [...found]
      .filter((id) => after === undefined || id > after)
      .sort()
      .slice(0, limit);
  }

  /** $all forwards without system events, in pages; `after` is exclusive (the server's start is inclusive). */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const types = options.eventTypes ? new Set(options.eventTypes) : undefined;
    const out: RecordedEvent[] = [];
    let after = options.after && options.after.commit >= 0n ? options.after : undefined;
    while (out.length < maxCount) {
      const { events: page, full } = await this.page(after ?? START, FORWARDS);
      for (const event of page) {
        if (out.length >= maxCount) break;
        if (after && comparePositions(event.position, after) <= 0) continue;
        if (!isSystemEvent(event) && (!types || types.has(event.type))) out.push(fromEsdbEvent(event));
      }
      const last = page[page.length - 1];
      if (!full || !last) break;
      after = last.position;
    }
    return out;
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const after = options.after && options.after.commit >= 0n ? options.after : undefined;
    const caughtUpAt = this.lastPositionOf(options.eventTypes ? new Set(options.eventTypes) : undefined);
    // Exact type names as an anchored regex (system event types start with `$`, so they never match).
    const typeRegex = options.eventTypes
      ? `^(?:${options.eventTypes.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`
      : undefined;
    const stream = this.client.subscribeToAll({
      fromPosition: after ?? START,
      filter: typeRegex ? eventTypeFilter({ regex: typeRegex }) : excludeSystemEvents(),
    });
    return this.subscriptions.track(options, (tracked) => batchSubscription(stream, tracked, caughtUpAt));
  }

  /** The last event that is not a system event, reading $all backwards a page at a time. */
  headPosition(): Promise<Position | null> {
    return this.lastPositionOf(undefined);
  }

  /** The last non-system event, of one of `types` when given (what a filtered subscription catches up to). */
  private async lastPositionOf(types: ReadonlySet<string> | undefined): Promise<Position | null> {
    let before: Position | undefined;
    for (;;) {
      const { events: page, full } = await this.page(before ?? END, BACKWARDS);
      const found = page.find(
        (e) =>
          !isSystemEvent(e) &&
          (!types || types.has(e.type)) &&
          (!before || comparePositions(e.position, before) < 0),
      );
      if (found) return found.position;
      const last = page[page.length - 1];
      if (!full || !last) return null;
      before = last.position;
    }
  }

  async ping(): Promise<void> {
    await this.page(END, BACKWARDS, 1);
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    if (this.ownsClient) await this.client.dispose();
  }

  /** Empty appends write nothing: check the expectation against the stream's last event. */
  private async checkOnly(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    const current = last?.revision ?? -1n;
    checkExpectedRevision(streamId, expected, current);
    return { nextRevision: current, position: last?.position ?? UNKNOWN_POSITION };
  }

  /**
   * One page of $all, read to its end (stopping half-way would leave the server call open). Resolved
   * links without their event are dropped.
   */
  private async page(
    from: ReadPosition,
    direction: Direction,
    maxCount = PAGE_SIZE,
  ): Promise<{ events: AllStreamRecordedEvent[]; full: boolean }> {
    const events: AllStreamRecordedEvent[] = [];
    let read = 0;
    for await (const resolved of this.client.readAll({ fromPosition: from, direction, maxCount })) {
      read += 1;
      if (resolved.event) events.push(resolved.event);
    }
    return { events, full: read >= maxCount };
  }

  /** Old servers (and idempotent re-appends) may not return a position: read it from the event. */
  private async positionOf(streamId: string, revision: bigint): Promise<Position> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    return event?.position ?? UNKNOWN_POSITION;
  }
}
