import { comparePositions, type NewEvent } from '@gw/shared-kernel';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../../event-store.errors';
import type { AppendRequest, AppendResult } from '../../event-store.port';
import {
  anEvent,
  ids,
  mine,
  newStreamId,
  revisions,
  someEvents,
  waitUntilVisible,
  type ContractContext,
} from '../contract-fixtures';

const asResult = (value: AppendResult | Error | undefined): AppendResult => {
  if (value === undefined || value instanceof Error)
    throw new Error(`Expected a result, got ${String(value)}`);
  return value;
};

export function appendManyCases(ctx: ContractContext): void {
  it('an empty batch has no results', async () => {
    expect(await ctx.store().appendMany([])).toEqual([]);
  });

  it('each request of a batch succeeds or fails on its own', async () => {
    const store = ctx.store();
    const [fresh, existing, other, missing] = [newStreamId(), newStreamId(), newStreamId(), newStreamId()];
    await store.append({ streamId: existing, events: someEvents(1, 'Existing') });
    const otherEvent = anEvent({ type: 'Other' });
    const otherResult = await store.append({ streamId: other, events: [otherEvent] });
    const start = await ctx.start();
    const freshEvents = someEvents(2, 'Fresh');
    const next: NewEvent[] = someEvents(1, 'Next');
    const requests: AppendRequest[] = [
      { streamId: fresh, events: freshEvents, expectedRevision: 'no_stream' },
      { streamId: existing, events: someEvents(1, 'Stale'), expectedRevision: 5n },
      { streamId: existing, events: next, expectedRevision: 0n },
      { streamId: other, events: [otherEvent], expectedRevision: 'no_stream' },
      { streamId: missing, events: someEvents(1), expectedRevision: 'stream_exists' },
    ];

    const results = await store.appendMany(requests);

    expect(results).toHaveLength(requests.length);
    expect(asResult(results[0]).nextRevision).toBe(1n);
    expect(results[1]).toBeInstanceOf(WrongExpectedRevisionError);
    expect(asResult(results[2]).nextRevision).toBe(1n);
    expect(asResult(results[3]).nextRevision).toBe(0n);
    expect(comparePositions(asResult(results[3]).position, otherResult.position)).toBe(0);
    expect(results[4]).toBeInstanceOf(WrongExpectedRevisionError);

    const freshRead = await store.readStream(fresh);
    expect(ids(freshRead)).toEqual(ids(freshEvents));
    expect(comparePositions(asResult(results[0]).position, freshRead[1]!.position)).toBe(0);
    expect((await store.readStream(existing)).map((e) => e.type)).toEqual(['Existing0', 'Next0']);
    expect(await store.readStream(other)).toHaveLength(1);
    expect(await store.readStream(missing)).toEqual([]);
    await waitUntilVisible(store, asResult(results[2]).position, ctx.options.timeoutMs);
    await waitUntilVisible(store, asResult(results[0]).position, ctx.options.timeoutMs);
    const logged = mine(
      await store.readAll({ after: start }),
      [fresh, existing, other],
      ctx.options.isolated,
    );
    expect(new Set(ids(logged))).toEqual(new Set([...ids(freshEvents), ...ids(next)]));
    expect(logged).toHaveLength(3);
  });

  it('requests to the same stream in one batch apply in order', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const [a, b, c] = [someEvents(1, 'A'), someEvents(1, 'B'), someEvents(2, 'C')];

    const results = await store.appendMany([
      { streamId, events: a, expectedRevision: 'no_stream' },
      { streamId, events: b, expectedRevision: 0n },
      { streamId, events: c, expectedRevision: 1n },
    ]);

    expect(results.map((r) => asResult(r).nextRevision)).toEqual([0n, 1n, 3n]);
    const read = await store.readStream(streamId);
    expect(read.map((e) => e.type)).toEqual(['A0', 'B0', 'C0', 'C1']);
    expect(comparePositions(asResult(results[2]).position, read[3]!.position)).toBe(0);
  });

  ctx.requires('detectsDuplicateIdsAcrossStreams')(
    'a request that reuses an event id of another stream fails on its own, the rest of the batch lands',
    async () => {
      const store = ctx.store();
      const [other, reused, fresh] = [newStreamId(), newStreamId(), newStreamId()];
      const otherEvent = anEvent({ type: 'Other' });
      await store.append({ streamId: other, events: [otherEvent] });

      const results = await store.appendMany([
        { streamId: reused, events: [otherEvent] },
        { streamId: fresh, events: someEvents(1, 'Fresh'), expectedRevision: 'no_stream' },
      ]);

      expect(results[0]).toBeInstanceOf(DuplicateEventIdError);
      expect(asResult(results[1]).nextRevision).toBe(0n);
      expect(await store.readStream(reused)).toEqual([]);
      expect((await store.readStream(fresh)).map((e) => e.type)).toEqual(['Fresh0']);
    },
  );

  ctx.requires('fullIdempotency')('a batch that appends the same events twice writes them once', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const events = someEvents(2);

    const results = await store.appendMany([
      { streamId, events },
      { streamId, events },
    ]);

    expect(asResult(results[1]).nextRevision).toBe(asResult(results[0]).nextRevision);
    expect(comparePositions(asResult(results[1]).position, asResult(results[0]).position)).toBe(0);
    expect(ids(await store.readStream(streamId))).toEqual(ids(events));
  });

  it('concurrent batches that share a stream all land, with contiguous revisions', async () => {
    const store = ctx.store();
    const shared = newStreamId();
    const batches = Array.from({ length: 8 }, (_, i) => [
      { streamId: shared, events: someEvents(1, `Shared${i}-`) },
      { streamId: newStreamId(), events: someEvents(2, `Own${i}-`), expectedRevision: 'no_stream' as const },
    ]);

    const results = await Promise.all(batches.map((batch) => store.appendMany(batch)));

    for (const batch of results) for (const r of batch) expect(r).not.toBeInstanceOf(Error);
    const read = await store.readStream(shared);
    expect(revisions(read)).toEqual(Array.from({ length: 8 }, (_, i) => BigInt(i)));
    for (const batch of batches) expect(await store.readStream(batch[1]!.streamId)).toHaveLength(2);
  });
}
