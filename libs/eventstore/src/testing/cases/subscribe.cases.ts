import type { RecordedEvent } from '@gw/shared-kernel';
import {
  Collector,
  deferred,
  eventually,
  expectStrictlyIncreasing,
  ids,
  mine,
  newStreamId,
  passMarker,
  someEvents,
  waitUntilVisible,
  type ContractContext,
} from '../contract-fixtures';

export function subscribeCases(ctx: ContractContext): void {
  const { isolated, timeoutMs } = ctx.options;
  const flag = (get: () => boolean, what: string): Promise<true> =>
    eventually(() => (get() ? true : undefined), timeoutMs, what);

  /** Appends and waits until the events are visible, so "what existed" is well defined. */
  const appendVisible = async (streamId: string, count: number, label: string) => {
    const events = someEvents(count, label);
    const result = await ctx.store().append({ streamId, events });
    await waitUntilVisible(ctx.store(), result.position, timeoutMs);
    return events;
  };

  it('catches up, reports onCaughtUp once, then delivers live events', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const start = await ctx.start();
    const before = await appendVisible(streamId, 3, 'Before');
    const collector = new Collector();
    const errors: Error[] = [];
    const caughtUpWith: number[] = [];

    const subscription = store.subscribeToAll({
      after: start,
      handle: collector.handle,
      onCaughtUp: () => caughtUpWith.push(mine(collector.events, [streamId], isolated).length),
      onError: (e) => errors.push(e),
    });
    try {
      await flag(() => caughtUpWith.length > 0, 'onCaughtUp');
      const after = someEvents(2, 'After');
      await store.append({ streamId, events: after });
      const got = await collector.waitFor(5, [streamId], isolated, timeoutMs);

      expect(caughtUpWith).toEqual([3]);
      expect(ids(got)).toEqual(ids([...before, ...after]));
      expectStrictlyIncreasing(got.map((e) => e.position));
      expect(errors).toEqual([]);
    } finally {
      await subscription.stop();
    }
  });

  it('delivers an append made right after subscribing, before the first read has returned', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const start = await ctx.start();
    const collector = new Collector();
    const subscription = store.subscribeToAll({ after: start, handle: collector.handle });
    try {
      const events = someEvents(1, 'Immediate');
      await store.append({ streamId, events });
      const got = await collector.waitFor(1, [streamId], isolated, timeoutMs);

      expect(ids(got)).toEqual(ids(events));
    } finally {
      await subscription.stop();
    }
  });

  it('resumes from a checkpoint without duplicates or gaps', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const start = await ctx.start();
    const first = await appendVisible(streamId, 4, 'First');
    const collector = new Collector();
    const subscription = store.subscribeToAll({ after: start, handle: collector.handle });
    const delivered = await collector
      .waitFor(4, [streamId], isolated, timeoutMs)
      .finally(() => subscription.stop());
    const checkpoint = delivered[delivered.length - 1]!.position;

    const second = await appendVisible(streamId, 3, 'Second');
    const resumed = new Collector();
    const again = store.subscribeToAll({ after: checkpoint, handle: resumed.handle });
    try {
      const got = await resumed.waitFor(3, [streamId], isolated, timeoutMs);
      // Anything delivered twice would arrive before a later event does.
      const marker = someEvents(1, 'Marker');
      await store.append({ streamId, events: marker });
      await resumed.waitFor(4, [streamId], isolated, timeoutMs);

      expect(ids(delivered)).toEqual(ids(first));
      expect(ids(got)).toEqual(ids(second));
      expect(ids(mine(resumed.events, [streamId], isolated))).toEqual(ids([...second, ...marker]));
    } finally {
      await again.stop();
    }
  });

  it('delivers in order, in batches no larger than maxBatchSize', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const start = await ctx.start();
    const events = await appendVisible(streamId, 7, 'Batched');
    const collector = new Collector();
    const subscription = store.subscribeToAll({ after: start, handle: collector.handle, maxBatchSize: 3 });
    try {
      const got = await collector.waitFor(7, [streamId], isolated, timeoutMs);

      expect(ids(got)).toEqual(ids(events));
      expect(collector.batches.every((b) => b.length >= 1 && b.length <= 3)).toBe(true);
      expect(collector.batches.length).toBeGreaterThanOrEqual(3);
    } finally {
      await subscription.stop();
    }
  });

  it('stops and reports onError when the handler rejects', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const start = await ctx.start();
    await appendVisible(streamId, 2, 'Failing');
    const failure = new Error('handler failed');
    const errors: Error[] = [];
    let calls = 0;

    const subscription = store.subscribeToAll({
      after: start,
      handle: () => {
        calls += 1;
        return Promise.reject(failure);
      },
      onError: (e) => errors.push(e),
    });
    try {
      await flag(() => errors.length > 0, 'onError');
      await appendVisible(streamId, 1, 'Later');
      await passMarker(store, streamId, timeoutMs);

      expect(errors).toHaveLength(1);
      expect(errors[0]).toBe(failure);
      expect(calls).toBe(1);
    } finally {
      await subscription.stop();
    }
  });

  it('stop() waits for the batch in progress, and nothing is delivered after it', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const start = await ctx.start();
    await appendVisible(streamId, 1, 'Held');
    const gate = deferred();
    const batches: RecordedEvent[][] = [];
    const subscription = store.subscribeToAll({
      after: start,
      handle: async (batch) => {
        batches.push([...batch]);
        await gate.promise;
      },
    });
    await flag(() => batches.length > 0, 'the first batch');

    let stopped = false;
    const stopping = subscription.stop().then(() => (stopped = true));
    await passMarker(store, streamId, timeoutMs);
    const stoppedWhileHandling = stopped;
    gate.resolve();
    await stopping;
    await appendVisible(streamId, 1, 'AfterStop');
    await passMarker(store, streamId, timeoutMs);

    expect(stoppedWhileHandling).toBe(false);
    expect(stopped).toBe(true);
    expect(batches).toHaveLength(1);
  });

  it('reports onCaughtUp when there is nothing to catch up on, then goes live', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    await appendVisible(streamId, 1, 'Old');
    const head = (await store.headPosition()) ?? undefined;
    const collector = new Collector();
    let caughtUp = 0;
    const subscription = store.subscribeToAll({
      after: head,
      handle: collector.handle,
      onCaughtUp: () => (caughtUp += 1),
    });
    try {
      await flag(() => caughtUp > 0, 'onCaughtUp');
      const deliveredBefore = mine(collector.events, [streamId], isolated);
      const live = someEvents(1, 'Live');
      await store.append({ streamId, events: live });
      const got = await collector.waitFor(1, [streamId], isolated, timeoutMs);

      expect(deliveredBefore).toEqual([]);
      expect(ids(got)).toEqual(ids(live));
      expect(caughtUp).toBe(1);
    } finally {
      await subscription.stop();
    }
  });

  it('delivers only the event types asked for, catching up and live', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const start = await ctx.start();
    const wanted = someEvents(2, 'Wanted');
    const result = await store.append({ streamId, events: [...someEvents(2, 'Other'), ...wanted] });
    await waitUntilVisible(store, result.position, timeoutMs);
    const collector = new Collector();
    let caughtUp = false;
    const types = ['Wanted0', 'Wanted1'];
    const subscription = store.subscribeToAll({
      after: start,
      eventTypes: types,
      handle: collector.handle,
      onCaughtUp: () => (caughtUp = true),
    });
    try {
      await flag(() => caughtUp, 'onCaughtUp');
      const live = someEvents(2, 'Wanted');
      await store.append({ streamId, events: [...someEvents(1, 'Other'), ...live] });
      const got = await collector.waitFor(4, [streamId], isolated, timeoutMs);
      expect(ids(got)).toEqual(ids([...wanted, ...live]));
      expect(got.every((e) => types.includes(e.type))).toBe(true);
      const read = mine(await store.readAll({ after: start, eventTypes: ['Other0'] }), [streamId], isolated);
      expect(read.map((e) => e.type)).toEqual(['Other0', 'Other0']);
    } finally {
      await subscription.stop();
    }
  });
}
