import {
  BACKWARDS,
  NO_STREAM,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventData,
  type EventStoreDBClient,
  type JSONRecordedEvent,
  type JSONType,
} from '@eventstore/db-client';
import type { NewEvent } from '@gw/shared-kernel';
import { chainEvents, verifyChain } from '../../chain/event-chain';
import { WrongExpectedRevisionError } from '../../event-store.errors';
import { TEST_CHAIN_KEY, anEvent, someEvents } from '../../testing/contract-fixtures';
import { EsdbEventStore } from './esdb-event-store';
import { fromEsdbEvent, toEventData } from './esdb-mapping';

const key = TEST_CHAIN_KEY;

/**
 * Just enough of an EventStoreDB server for the adapter's chained appends (the contract suite runs
 * against a real server when EVENTSTORE_URL is set): streams, expected revisions, and the server's
 * idempotency for a re-append at the revision the events were first written at.
 */
class FakeServer {
  readonly streams = new Map<string, JSONRecordedEvent[]>();
  reads = 0;
  /** Called once before the next append is applied: a concurrent writer. */
  beforeNextAppend: (() => void) | undefined;
  private position = 0n;

  write(streamId: string, events: readonly EventData[]): void {
    const stream = this.streams.get(streamId) ?? [];
    for (const e of events) {
      this.position += 1n;
      stream.push({
        streamId,
        id: e.id,
        isJson: true,
        revision: BigInt(stream.length),
        type: e.type,
        created: new Date(),
        data: JSON.parse(JSON.stringify(e.data)) as JSONType,
        metadata: JSON.parse(JSON.stringify(e.metadata)) as JSONType,
        position: { commit: this.position, prepare: this.position },
      });
    }
    this.streams.set(streamId, stream);
  }

  /** What a concurrent writer leaves: events chained to the current head, written at once. */
  writeChained(streamId: string, events: readonly NewEvent[]): void {
    const stream = this.streams.get(streamId) ?? [];
    const last = stream.at(-1);
    const head = last ? (fromEsdbEvent(last).metadata.chain?.hash ?? null) : null;
    this.write(
      streamId,
      chainEvents(events, streamId, BigInt(stream.length), head, undefined, undefined, key).map(toEventData),
    );
  }

  readonly client = {
    readStream: (
      streamId: string,
      options: { direction: unknown; maxCount: number; fromRevision: unknown },
    ) => {
      this.reads += 1;
      const stream = this.streams.get(streamId) ?? [];
      const backwards = options.direction === BACKWARDS;
      const from = typeof options.fromRevision === 'bigint' ? options.fromRevision : undefined;
      const picked = (backwards ? [...stream].reverse() : stream)
        .filter((e) => from === undefined || (backwards ? e.revision <= from : e.revision >= from))
        .slice(0, options.maxCount);
      return (async function* () {
        for (const event of picked) yield { event };
      })();
    },
    appendToStream: (
      streamId: string,
      events: EventData[],
      { expectedRevision }: { expectedRevision: AppendExpectedRevision },
    ) => {
      const concurrent = this.beforeNextAppend;
      this.beforeNextAppend = undefined;
      concurrent?.();
      const stream = this.streams.get(streamId) ?? [];
      const current = BigInt(stream.length) - 1n;
      const expected = expectedRevision === NO_STREAM ? -1n : (expectedRevision as bigint);
      const already = stream.slice(Number(expected + 1n), Number(expected + 1n) + events.length);
      if (already.length === events.length && already.every((e, i) => e.id === events[i]!.id))
        return Promise.resolve({
          nextExpectedRevision: expected + BigInt(events.length),
          position: already.at(-1)!.position,
        });
      if (expected !== current)
        return Promise.reject(
          new WrongExpectedVersionError(undefined, {
            streamName: streamId,
            expected: expectedRevision,
            current,
          }),
        );
      this.write(streamId, events);
      return Promise.resolve({
        nextExpectedRevision: current + BigInt(events.length),
        position: this.streams.get(streamId)!.at(-1)!.position,
      });
    },
  };
}

describe('EsdbEventStore: the hash chain', () => {
  let server: FakeServer;
  let store: EsdbEventStore;
  beforeEach(() => {
    server = new FakeServer();
    store = new EsdbEventStore(server.client as unknown as EventStoreDBClient, { chainKey: key });
  });

  it('chains a new stream from null without reading it, then each append from the tail', async () => {
    await store.append({ streamId: 's-1', events: someEvents(2), expectedRevision: 'no_stream' });
    expect(server.reads).toBe(0);
    await store.append({ streamId: 's-1', events: someEvents(1) });
    await store.append({ streamId: 's-1', events: someEvents(2), expectedRevision: 2n });
    await store.append({ streamId: 's-1', events: someEvents(1), expectedRevision: 'stream_exists' });

    const events = await store.readStream('s-1');
    expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    expect(verifyChain(events, { key })).toMatchObject({
      verified: true,
      events: 6,
      firstBreak: null,
      keyedLinks: 6,
    });
  });

  it('chains again from the new head when a concurrent writer moved it (any)', async () => {
    await store.append({ streamId: 's-1', events: someEvents(1) });
    // Another gateway appends (chained too) between this append's read and its write.
    server.beforeNextAppend = () => server.writeChained('s-1', [anEvent({ type: 'Theirs' })]);
    await store.append({ streamId: 's-1', events: [anEvent({ type: 'Mine' })] });

    const events = await store.readStream('s-1');
    expect(events.map((e) => e.type)).toEqual(['Event0', 'Theirs', 'Mine']);
    expect(verifyChain(events, { key })).toMatchObject({ verified: true });
  });

  it('refuses a wrong exact revision without writing, and a conflicting one after the read', async () => {
    await store.append({ streamId: 's-1', events: someEvents(2) });
    await expect(
      store.append({ streamId: 's-1', events: someEvents(1), expectedRevision: 0n }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    server.beforeNextAppend = () => server.writeChained('s-1', someEvents(1));
    await expect(
      store.append({ streamId: 's-1', events: someEvents(1), expectedRevision: 1n }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(verifyChain(await store.readStream('s-1'), { key })).toMatchObject({ verified: true, events: 3 });
  });

  it('recognises a re-append of the events at the tail and keeps their chain', async () => {
    const events = someEvents(2);
    const first = await store.append({ streamId: 's-1', events });
    const before = await store.readStream('s-1');
    expect(await store.append({ streamId: 's-1', events })).toEqual(first);
    expect(await store.append({ streamId: 's-1', events, expectedRevision: 'no_stream' })).toMatchObject({
      nextRevision: 1n,
    });
    expect(await store.readStream('s-1')).toEqual(before);
  });
});
