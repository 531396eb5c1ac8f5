import { randomUUID } from 'node:crypto';
import { comparePositions, type NewEvent, type Position, type RecordedEvent } from '@gw/shared-kernel';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port';

/** What an adapter's test file hands the contract: a store and how to get rid of it. */
export interface EventStoreFixture {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

export type EventStoreFactory = () => Promise<EventStoreFixture>;

export interface ContractOptions {
  /** Each `make()` returns an empty log nobody else writes to (false for a shared EventStoreDB). */
  readonly isolated?: boolean;
  /** An event id that exists in another stream is rejected with DuplicateEventIdError. */
  readonly detectsDuplicateIdsAcrossStreams?: boolean;
  /** Re-appends are no-ops even after the stream moved on (else only a retry at the same revision). */
  readonly fullIdempotency?: boolean;
  /** Upper bound for anything the suite waits for (visibility, delivery). */
  readonly timeoutMs?: number;
}

export interface ContractContext {
  store(): EventStore;
  /**
   * Where a test's own events will start: the head once everything appended so far is visible. Use it
   * instead of headPosition() before appending, or events of earlier tests that were not visible yet
   * would show up after it.
   */
  start(): Promise<Position | undefined>;
  readonly make: EventStoreFactory;
  readonly options: Required<ContractOptions>;
}

export const newStreamId = (category = 'contract'): string => `${category}-${randomUUID()}`;

export const anEvent = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  id: randomUUID(),
  type: 'ThingHappened',
  version: 1,
  data: { n: 1 },
  metadata: { correlationId: randomUUID(), actorId: 'contract-test' },
  occurredAt: new Date('2026-01-02T03:04:05.678Z'),
  ...overrides,
});

export const someEvents = (count: number, label = 'Event'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => anEvent({ type: `${label}${i}`, data: { i, label } }));

export const ids = (events: readonly { readonly id: string }[]): string[] => events.map((e) => e.id);

export const revisions = (events: readonly RecordedEvent[]): bigint[] => events.map((e) => e.revision);

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something, or fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(5);
  }
}

/**
 * Reads of the global log only show what no transaction in flight can still precede (Postgres) or
 * what the server has indexed: wait until `position` is visible before asserting on readAll.
 */
export const waitUntilVisible = (store: EventStore, position: Position, timeoutMs: number): Promise<true> =>
  eventually(
    async () => {
      const head = await store.headPosition();
      return head && comparePositions(head, position) >= 0 ? true : undefined;
    },
    timeoutMs,
    'the appended events to become visible in the global log',
  );

/** Keeps only the events of the given streams when the log is shared; an isolated log is kept whole. */
export const mine = (
  events: readonly RecordedEvent[],
  streams: readonly string[],
  isolated: boolean,
): RecordedEvent[] => (isolated ? [...events] : events.filter((e) => streams.includes(e.streamId)));

export const expectStrictlyIncreasing = (positions: readonly Position[]): void => {
  for (let i = 1; i < positions.length; i += 1) {
    expect(comparePositions(positions[i - 1]!, positions[i]!)).toBeLessThan(0);
  }
};

/** Records what a subscription delivers. */
export class Collector {
  readonly batches: RecordedEvent[][] = [];

  readonly handle = (batch: readonly RecordedEvent[]): Promise<void> => {
    this.batches.push([...batch]);
    return Promise.resolve();
  };

  get events(): RecordedEvent[] {
    return this.batches.flat();
  }

  /** Waits until at least `count` events of `streams` (all events when isolated) have arrived. */
  waitFor(
    count: number,
    streams: readonly string[],
    isolated: boolean,
    timeoutMs: number,
  ): Promise<RecordedEvent[]> {
    return eventually(
      () => {
        const got = mine(this.events, streams, isolated);
        return got.length >= count ? got : undefined;
      },
      timeoutMs,
      `${count} delivered events`,
    );
  }
}

/** A promise plus the functions that settle it, to hold a handler until the test lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Long enough for a polling adapter to have looked several times; used only to show that nothing arrives. */
export const quietPeriod = (): Promise<void> => pause(300);

/**
 * Passes everything through and remembers the furthest position an append returned, so a test can wait
 * until everything earlier tests wrote is visible before it takes its starting position. (On Postgres a
 * transaction in flight anywhere in the cluster holds back what readers see.)
 */
export class RecordingEventStore implements EventStore {
  private last: Position | undefined;

  constructor(private readonly inner: EventStore) {}

  get lastWritten(): Position | undefined {
    return this.last;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const result = await this.inner.append(request);
    this.note(result);
    return result;
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<ReadonlyArray<AppendResult | Error>> {
    const results = await this.inner.appendMany(requests);
    for (const r of results) if ('position' in r) this.note(r);
    return results;
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  headPosition(): Promise<Position | null> {
    return this.inner.headPosition();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private note({ position }: AppendResult): void {
    if (position.commit >= 0n && (!this.last || comparePositions(position, this.last) > 0))
      this.last = position;
  }
}
