import { comparePositions } from '@gw/shared-kernel';
import { DuplicateEventIdError } from '../../event-store.errors';
import {
  anEvent,
  ids,
  mine,
  newStreamId,
  someEvents,
  waitUntilVisible,
  type ContractContext,
} from '../contract-fixtures';

export function idempotencyCases(ctx: ContractContext): void {
  it('re-appending the same events returns the original result and writes nothing', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const events = someEvents(2);
    const start = await ctx.start();

    const original = await store.append({ streamId, events, expectedRevision: 'no_stream' });
    const retried = await store.append({ streamId, events, expectedRevision: 'no_stream' });

    expect(retried.nextRevision).toBe(original.nextRevision);
    expect(comparePositions(retried.position, original.position)).toBe(0);
    expect(ids(await store.readStream(streamId))).toEqual(ids(events));
    await waitUntilVisible(store, original.position, ctx.options.timeoutMs);
    const logged = mine(await store.readAll({ after: start }), [streamId], ctx.options.isolated);
    expect(ids(logged)).toEqual(ids(events));
  });

  it('the same id twice in one append is refused', async () => {
    const store = ctx.store();
    const streamId = newStreamId();
    const event = anEvent();

    await expect(
      store.append({ streamId, events: [event, { ...event, type: 'Other' }] }),
    ).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect(await store.readStream(streamId)).toEqual([]);
  });

  ctx.requires('fullIdempotency')(
    'a re-append after the stream moved on still returns the original result',
    async () => {
      const store = ctx.store();
      const streamId = newStreamId();
      const events = someEvents(2, 'First');
      const original = await store.append({ streamId, events, expectedRevision: 'no_stream' });
      await store.append({ streamId, events: someEvents(1, 'Later'), expectedRevision: 1n });

      const retried = await store.append({ streamId, events, expectedRevision: 'no_stream' });

      expect(retried.nextRevision).toBe(1n);
      expect(comparePositions(retried.position, original.position)).toBe(0);
      expect((await store.readStream(streamId)).map((e) => e.type)).toEqual(['First0', 'First1', 'Later0']);
    },
  );

  ctx.requires('detectsDuplicateIdsAcrossStreams')(
    'an event id already used in another stream is refused',
    async () => {
      const store = ctx.store();
      const [first, second] = [newStreamId(), newStreamId()];
      const event = anEvent();
      await store.append({ streamId: first, events: [event] });

      const reused = store.append({ streamId: second, events: [event] });

      await expect(reused).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(reused).rejects.toMatchObject({ code: 'EVENTSTORE.DUPLICATE_EVENT_ID' });
      expect(await store.readStream(second)).toEqual([]);
      expect(await store.readStream(first)).toHaveLength(1);
    },
  );

  ctx.requires('detectsDuplicateIdsAcrossStreams')(
    'known and new ids mixed in one append are refused',
    async () => {
      const store = ctx.store();
      const streamId = newStreamId();
      const [known] = someEvents(1);
      await store.append({ streamId, events: [known!] });

      await expect(store.append({ streamId, events: [known!, anEvent()] })).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
      expect(await store.readStream(streamId)).toHaveLength(1);
    },
  );
}
