import { PassThrough } from 'node:stream';
import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import type { Position, RecordedEvent } from '@gw/shared-kernel';
import type { SubscribeToAllOptions } from '../../event-store.port';
import { Collector, deferred, eventually } from '../../testing/contract-fixtures';
import { batchSubscription, type EsdbSubscriptionStream } from './esdb-subscription';

const at = (n: number): Position => ({ commit: BigInt(n * 10), prepare: BigInt(n * 10) });

const resolved = (n: number, type = `Event${n}`): AllStreamResolvedEvent => ({
  event: {
    streamId: type.startsWith('$') ? '$stats' : 'thing-1',
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    isJson: true,
    revision: BigInt(n),
    type,
    created: new Date(0),
    data: { n },
    metadata: undefined,
    position: at(n),
  },
});

class FakeStream extends PassThrough implements EsdbSubscriptionStream {
  unsubscribed = 0;
  constructor() {
    super({ objectMode: true });
  }
  unsubscribe(): Promise<void> {
    this.unsubscribed += 1;
    return Promise.resolve();
  }
}

const positions = (events: readonly RecordedEvent[]): bigint[] => events.map((e) => e.position.commit / 10n);
const wait = (get: () => boolean, what: string) => eventually(() => (get() ? true : undefined), 2_000, what);

const start = (stream: FakeStream, options: Partial<SubscribeToAllOptions>, head: Position | null) => {
  const collector = new Collector();
  const subscription = batchSubscription(
    stream,
    { handle: collector.handle, ...options },
    Promise.resolve(head),
  );
  return { collector, subscription };
};

describe('batchSubscription (EventStoreDB catch-up subscription to batches)', () => {
  it('delivers in order, in bounded batches, without system events, then reports onCaughtUp', async () => {
    const stream = new FakeStream();
    let caughtUpAfter: number | undefined;
    const { collector, subscription } = start(
      stream,
      { maxBatchSize: 2, onCaughtUp: () => (caughtUpAfter = collector.events.length) },
      at(5),
    );

    for (const n of [1, 2, 3]) stream.write(resolved(n));
    stream.write(resolved(4, '$statsCollected'));
    stream.write({});
    stream.write(resolved(5));
    await wait(() => caughtUpAfter !== undefined, 'onCaughtUp');
    stream.write(resolved(6));
    await wait(() => collector.events.length === 5, 'the live event');
    await subscription.stop();

    expect(positions(collector.events)).toEqual([1n, 2n, 3n, 5n, 6n]);
    expect(collector.batches.every((b) => b.length <= 2)).toBe(true);
    expect(caughtUpAfter).toBe(4);
    expect(stream.unsubscribed).toBe(1);
  });

  it('reports onCaughtUp at once when nothing is newer than the checkpoint, and skips replays of it', async () => {
    const stream = new FakeStream();
    let caughtUp = 0;
    const { collector, subscription } = start(
      stream,
      { after: at(3), onCaughtUp: () => (caughtUp += 1) },
      at(3),
    );

    await wait(() => caughtUp === 1, 'onCaughtUp');
    stream.write(resolved(3));
    stream.write(resolved(4));
    await wait(() => collector.events.length > 0, 'the live event');
    await subscription.stop();

    expect(positions(collector.events)).toEqual([4n]);
    expect(caughtUp).toBe(1);
  });

  it('stops and reports onError when the handler rejects', async () => {
    const stream = new FakeStream();
    const failure = new Error('handler failed');
    const errors: Error[] = [];
    let calls = 0;
    const { subscription } = start(
      stream,
      { handle: () => ((calls += 1), Promise.reject(failure)), onError: (e) => errors.push(e) },
      null,
    );

    stream.write(resolved(1));
    await wait(() => errors.length > 0, 'onError');
    stream.write(resolved(2));
    await subscription.stop();

    expect(errors).toEqual([failure]);
    expect(calls).toBe(1);
    expect(stream.unsubscribed).toBe(1);
  });

  it('reports a broken or ended server stream through onError', async () => {
    const broken = new FakeStream();
    const ended = new FakeStream();
    const errors: Error[] = [];
    const subscriptions = [
      start(broken, { onError: (e) => errors.push(e) }, null).subscription,
      start(ended, { onError: (e) => errors.push(e) }, null).subscription,
    ];

    broken.destroy(new Error('connection reset'));
    ended.end();
    ended.resume();
    await wait(() => errors.length === 2, 'two errors');
    await Promise.all(subscriptions.map((s) => s.stop()));

    expect(errors.map((e) => e.message).sort()).toEqual([
      'EventStoreDB subscription ended',
      'connection reset',
    ]);
  });

  it('stop() waits for the batch in progress, and nothing is delivered after it', async () => {
    const stream = new FakeStream();
    const gate = deferred();
    const batches: RecordedEvent[][] = [];
    const { subscription } = start(
      stream,
      {
        handle: async (batch) => {
          batches.push([...batch]);
          await gate.promise;
        },
      },
      null,
    );
    stream.write(resolved(1));
    await wait(() => batches.length === 1, 'the first batch');

    let stopped = false;
    const stopping = subscription.stop().then(() => (stopped = true));
    stream.write(resolved(2));
    // The later marker: stop() has closed the stream, the last thing it does before awaiting the batch.
    await wait(() => stream.destroyed, 'stop() to close the stream');
    const stoppedEarly = stopped;
    gate.resolve();
    await stopping;

    expect(stoppedEarly).toBe(false);
    expect(batches).toHaveLength(1);
  });
});
