import { comparePositions, type NewEvent } from '@gw/shared-kernel';
import {
  anEvent,
  expectStrictlyIncreasing,
  ids,
  newStreamId,
  revisions,
  someEvents,
  waitUntilVisible,
  type ContractContext,
} from '../contract-fixtures';

export function appendReadCases(ctx: ContractContext): void {
  it('appends to a new stream and reads it back forwards', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const events = someEvents(3);

    const result = await store.append({ streamId, events });
    const read = await store.readStream(streamId);

    expect(result.nextRevision).toBe(2n);
    expect(ids(read)).toEqual(ids(events));
    expect(read.map((e) => e.type)).toEqual(['Event0', 'Event1', 'Event2']);
    expect(revisions(read)).toEqual([0n, 1n, 2n]);
    expect(read.every((e) => e.streamId === streamId)).toBe(true);
    expect(comparePositions(result.position, read[2]!.position)).toBe(0);
    expectStrictlyIncreasing(read.map((e) => e.position));
  });

  it('continues the revisions of a stream across appends', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const first = await store.append({ streamId, events: someEvents(2, 'A') });
    const second = await store.append({ streamId, events: someEvents(2, 'B') });

    const read = await store.readStream(streamId);

    expect([first.nextRevision, second.nextRevision]).toEqual([1n, 3n]);
    expect(revisions(read)).toEqual([0n, 1n, 2n, 3n]);
    expect(read.map((e) => e.type)).toEqual(['A0', 'A1', 'B0', 'B1']);
    expect(comparePositions(first.position, second.position)).toBeLessThan(0);
    expect(comparePositions(second.position, read[3]!.position)).toBe(0);
  });

  it('reads forwards from a revision, with maxCount', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    await store.append({ streamId, events: someEvents(5) });

    expect(revisions(await store.readStream(streamId, { fromRevision: 1n, maxCount: 2 }))).toEqual([1n, 2n]);
    expect(revisions(await store.readStream(streamId, { fromRevision: 3n }))).toEqual([3n, 4n]);
    expect(revisions(await store.readStream(streamId, { maxCount: 1 }))).toEqual([0n]);
    expect(await store.readStream(streamId, { fromRevision: 5n })).toEqual([]);
  });

  it('reads backwards from the end or from a revision, with maxCount', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    await store.append({ streamId, events: someEvents(5) });

    const all = await store.readStream(streamId, { direction: 'backwards' });
    const lastTwo = await store.readStream(streamId, { direction: 'backwards', maxCount: 2 });
    const fromTwo = await store.readStream(streamId, {
      direction: 'backwards',
      fromRevision: 2n,
      maxCount: 2,
    });

    expect(revisions(all)).toEqual([4n, 3n, 2n, 1n, 0n]);
    expect(revisions(lastTwo)).toEqual([4n, 3n]);
    expect(revisions(fromTwo)).toEqual([2n, 1n]);
  });

  it('reads a missing stream as empty in both directions', async () => {
    const store = ctx.store();
    const streamId = newStreamId();

    expect(await store.readStream(streamId)).toEqual([]);
    expect(await store.readStream(streamId, { direction: 'backwards' })).toEqual([]);
  });

  it('keeps streams apart', async () => {
    const store = ctx.store();
    const [a, b] = [newStreamId(), newStreamId()];
    const [eventsA, eventsB] = [someEvents(2, 'A'), someEvents(1, 'B')];
    await store.append({ streamId: a, events: eventsA });
    await store.append({ streamId: b, events: eventsB });

    expect(ids(await store.readStream(a))).toEqual(ids(eventsA));
    expect(ids(await store.readStream(b))).toEqual(ids(eventsB));
  });

  it('round-trips data, metadata, version and occurredAt, unicode included', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const event: NewEvent = anEvent({
      type: 'UnicodeChecked',
      version: 3,
      data: {
        text: 'héllo wörld — 你好 🚀 "quotes" \\ back\\slash \n new line \t tab',
        nested: { list: [1, 2.5, -3, null, true, false, 'x'], empty: {}, none: [] },
        micros: '12345678901234567890',
        zero: 0,
      },
      metadata: {
        correlationId: 'corr-ü',
        causationId: 'cause-✓',
        tenantId: 'tenant-日本',
        actorId: 'user-😀',
      },
      occurredAt: new Date('2026-11-23T12:34:56.789Z'),
    });

    const start = await ctx.start();
    const result = await store.append({ streamId, events: [event] });
    const [read] = await store.readStream(streamId);
    await waitUntilVisible(store, result.position, ctx.options.timeoutMs);
    const [fromLog] = (await store.readAll({ after: start })).filter((e) => e.id === event.id);

    for (const got of [read, fromLog]) {
      expect(got).toBeDefined();
      expect(got!.data).toEqual(event.data);
      // The store adds the stream's chain link (see chain.cases.ts); everything else comes back as written.
      expect(got!.metadata).toEqual({ ...event.metadata, chain: expect.any(Object) });
      expect(got!.version).toBe(3);
      expect(got!.type).toBe('UnicodeChecked');
      expect(got!.occurredAt).toBeInstanceOf(Date);
      expect(got!.occurredAt.toISOString()).toBe('2026-11-23T12:34:56.789Z');
    }
  });
}
