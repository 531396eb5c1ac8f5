import { randomBytes, randomUUID } from 'node:crypto';
import { comparePositions, type NewEvent, type Position, type RecordedEvent } from '@gw/shared-kernel';
import { eventually, type TestDeclaration } from '@gw/shared-kernel/testing';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ListStreamsOptions,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port';
import { ChainKey, CheckpointSigningKey, type AuditKeys } from '../chain/audit-keys';

/** A chain key for tests (random per process): the contract suites run keyed stores. */
export const TEST_CHAIN_KEY = new ChainKey(randomBytes(32));

/** Fresh audit keys (chain key and checkpoint signing key) for a test. */
export const testAuditKeys = (): AuditKeys => ({
  chainKey: new ChainKey(randomBytes(32)),
  signingKey: CheckpointSigningKey.fromSeed(randomBytes(32)),
});

/** What an adapter's test file hands the contract: a store and how to get rid of it. */
export interface EventStoreFixture {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

export { eventually };

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

/** The options a case can depend on, and why the case is declared skipped when its option is off. */
export type ContractCapability = 'isolated' | 'detectsDuplicateIdsAcrossStreams' | 'fullIdempotency';

export const WHY_NOT: Readonly<Record<ContractCapability, string>> = {
  isolated: 'the log is shared with other writers (one EventStoreDB server), so an empty log cannot be shown',
  detectsDuplicateIdsAcrossStreams:
    'event ids are checked per stream only (EventStoreDB: best effort, DESIGN.md; billing dedupes by request id)',
  fullIdempotency: 'a re-append is recognised only at the revision it was first written at (EventStoreDB)',
};

export interface ContractContext {
  store(): EventStore;
  /** `it` when the adapter has `capability`, else `it.skip` with the reason: declared and counted, never left out. */
  requires(capability: ContractCapability): TestDeclaration;
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

/**
 * The later marker that shows time has passed in the store, where a test would otherwise sleep to show
 * that something did NOT arrive: appends a marker event to `streamId` and waits until a subscription of
 * its own, started at the head, has delivered it. Returns the marker.
 */
export async function passMarker(store: EventStore, streamId: string, timeoutMs: number): Promise<NewEvent> {
  const marker = anEvent({ type: 'Marker' });
  const witness = new Collector();
  const subscription = store.subscribeToAll({
    after: (await store.headPosition()) ?? undefined,
    handle: witness.handle,
  });
  try {
    await store.append({ streamId, events: [marker] });
    await eventually(
      () => (witness.events.some((e) => e.id === marker.id) ? true : undefined),
      timeoutMs,
      'the marker event to be delivered',
    );
  } finally {
    await subscription.stop();
  }
  return marker;
}

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

  listStreams(options?: ListStreamsOptions): Promise<string[]> {
    return this.inner.listStreams(options);
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
