import type { NewEvent } from '@gw/shared-kernel';
import { InMemoryEventStore } from '../adapters/in-memory/in-memory-event-store';
import type { AppendRequest, AppendResult } from '../event-store.port';
import { GroupCommitWriter } from './group-commit-writer';

const event = (id: string): NewEvent => ({
  id,
  type: 'Something',
  version: 1,
  data: { id },
  metadata: { correlationId: id, actorId: 'test' },
  occurredAt: new Date(),
});

/** Wraps a store to see how appends were batched, and to hold writes open. */
class RecordingStore extends InMemoryEventStore {
  readonly batches: number[] = [];
  gate: Promise<void> = Promise.resolve();
  override async appendMany(
    requests: readonly AppendRequest[],
  ): Promise<ReadonlyArray<AppendResult | Error>> {
    this.batches.push(requests.length);
    await this.gate;
    return super.appendMany(requests);
  }
}

describe('GroupCommitWriter', () => {
  it('writes a lone append at once, without waiting for company', async () => {
    const store = new RecordingStore();
    const writer = new GroupCommitWriter(store);
    await writer.append({ streamId: 's-1', events: [event(crypto.randomUUID())] });
    expect(store.batches).toEqual([1]);
  });

  it('batches appends that arrive while a write is in flight into one appendMany', async () => {
    const store = new RecordingStore();
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const writer = new GroupCommitWriter(store);
    const first = writer.append({ streamId: 's-0', events: [event(crypto.randomUUID())] });
    await new Promise((r) => setImmediate(r)); // the first write has started
    const rest = Array.from({ length: 10 }, (_, i) =>
      writer.append({ streamId: `s-${i + 1}`, events: [event(crypto.randomUUID())] }),
    );
    open();
    await Promise.all([first, ...rest]);
    expect(store.batches).toEqual([1, 10]);
    expect(writer.stats()).toEqual({ writes: 2, appended: 11 });
  });

  it('appends made in the same turn of the event loop go out as one write', async () => {
    const store = new RecordingStore();
    const writer = new GroupCommitWriter(store);
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        writer.append({ streamId: `t-${i}`, events: [event(crypto.randomUUID())] }),
      ),
    );
    expect(store.batches).toEqual([5]);
  });

  it('with a linger, appends spread over the window share one write', async () => {
    // A controlled clock: the window is what is under test, so the test moves time, not waits for it.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const store = new RecordingStore();
      const writer = new GroupCommitWriter(store, 256, 30);
      const first = writer.append({ streamId: 'l-0', events: [event(crypto.randomUUID())] });
      await jest.advanceTimersByTimeAsync(5);
      const second = writer.append({ streamId: 'l-1', events: [event(crypto.randomUUID())] });
      await jest.advanceTimersByTimeAsync(24);
      expect(store.batches).toEqual([]); // 29 ms: still inside the window
      await jest.advanceTimersByTimeAsync(1);
      await Promise.all([first, second]);
      expect(store.batches).toEqual([2]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('fails only the request that conflicts; the others in its batch succeed', async () => {
    const store = new RecordingStore();
    await store.append({ streamId: 'taken-1', events: [event(crypto.randomUUID())] });
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const writer = new GroupCommitWriter(store);
    const blocker = writer.append({ streamId: 'b-1', events: [event(crypto.randomUUID())] });
    await new Promise((r) => setImmediate(r));
    const ok = writer.append({
      streamId: 'ok-1',
      events: [event(crypto.randomUUID())],
      expectedRevision: 'no_stream',
    });
    const bad = writer.append({
      streamId: 'taken-1',
      events: [event(crypto.randomUUID())],
      expectedRevision: 'no_stream',
    });
    open();
    await blocker;
    await expect(ok).resolves.toMatchObject({ nextRevision: 0n });
    await expect(bad).rejects.toMatchObject({ code: 'EVENTSTORE.WRONG_EXPECTED_REVISION' });
  });

  it('flush waits for everything queued', async () => {
    const store = new RecordingStore();
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const writer = new GroupCommitWriter(store);
    const pending = [
      writer.append({ streamId: 'f-1', events: [event(crypto.randomUUID())] }),
      writer.append({ streamId: 'f-2', events: [event(crypto.randomUUID())] }),
    ];
    let flushed = false;
    const flushing = writer.flush().then(() => (flushed = true));
    await Promise.resolve();
    expect(flushed).toBe(false);
    open();
    await flushing;
    await Promise.all(pending);
    expect((await store.readAll()).length).toBe(2);
  });

  it('rejects every request of a batch when the whole write throws', async () => {
    const store = new RecordingStore();
    store.gate = Promise.reject(new Error('database down'));
    store.gate.catch(() => undefined);
    const writer = new GroupCommitWriter(store);
    await expect(writer.append({ streamId: 'x-1', events: [event(crypto.randomUUID())] })).rejects.toThrow(
      'database down',
    );
  });
});
