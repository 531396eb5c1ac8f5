import { describeBackends } from '@gw/database/testing';
import { ValidationError } from '@gw/shared-kernel';
import { TEST_CHAIN_KEY, eventStoreContract } from '@gw/eventstore/testing';
import { Collector, anEvent, eventually, newStreamId, someEvents } from '../../testing/contract-fixtures';
import { PostgresEventStore } from './postgres-event-store';
import { openTestStore } from './postgres-test-support';

describeBackends('PostgresEventStore', (kind) => {
  eventStoreContract(kind, () => openTestStore(kind, { chainKey: TEST_CHAIN_KEY }), { timeoutMs: 10_000 });
  if (kind === 'pglite') {
    // How embedded mode runs it: subscribers fed from the appends themselves, with and without batching.
    eventStoreContract(
      'pglite, single writer',
      () => openTestStore(kind, { singleWriter: true, chainKey: TEST_CHAIN_KEY }),
      {
        timeoutMs: 10_000,
      },
    );
  }

  describe('adapter specifics', () => {
    let fixture: Awaited<ReturnType<typeof openTestStore>>;
    beforeAll(async () => {
      fixture = await openTestStore(kind, { pollIntervalMs: 60_000 });
    });
    afterAll(() => fixture.cleanup());

    const subscribeAtHead = async (store: PostgresEventStore, collector: Collector) => {
      let caughtUp = false;
      const subscription = store.subscribeToAll({
        after: (await store.headPosition()) ?? undefined,
        handle: collector.handle,
        onCaughtUp: () => (caughtUp = true),
      });
      await eventually(() => (caughtUp ? true : undefined), 5_000, 'onCaughtUp');
      return subscription;
    };

    it('wakes a live subscription at once when the same instance appends', async () => {
      const collector = new Collector();
      const subscription = await subscribeAtHead(fixture.store, collector);
      const streamId = newStreamId();
      try {
        await fixture.store.append({ streamId, events: someEvents(1) });
        // The poll interval is 60 s: seen at all within the wait, it was the notification that woke it.
        await collector.waitFor(1, [streamId], false, 5_000);
      } finally {
        await subscription.stop();
      }
    });

    it("sees another instance's appends by polling, and only by polling", async () => {
      const polling = new PostgresEventStore(fixture.knex, { pollIntervalMs: 25 });
      const notPolling = new PostgresEventStore(fixture.knex, { pollIntervalMs: 60_000 });
      const [fast, slow] = [new Collector(), new Collector()];
      const subscriptions = [await subscribeAtHead(polling, fast), await subscribeAtHead(notPolling, slow)];
      const streamId = newStreamId();
      try {
        await fixture.store.append({ streamId, events: someEvents(2) });
        await fast.waitFor(2, [streamId], false, 5_000);
        expect(slow.events.filter((e) => e.streamId === streamId)).toEqual([]);
      } finally {
        await Promise.all(subscriptions.map((s) => s.stop()));
      }
    });

    it('writes a whole batch with one lookup and one insert', async () => {
      const statements: string[] = [];
      const count = (q: { sql: string }) => statements.push(q.sql);
      fixture.knex.on('query', count);
      try {
        const results = await fixture.store.appendMany(
          Array.from({ length: 32 }, () => ({ streamId: newStreamId(), events: someEvents(2) })),
        );
        expect(results.every((r) => !(r instanceof Error))).toBe(true);
        expect(statements).toHaveLength(2);
        statements.length = 0;
        await fixture.store.append({ streamId: newStreamId(), events: someEvents(2) });
        expect(statements).toHaveLength(2);
      } finally {
        fixture.knex.off('query', count);
      }
    });

    it('appends to new streams (no_stream) with one insert and no lookup', async () => {
      const statements: string[] = [];
      const count = (q: { sql: string }) => statements.push(q.sql);
      fixture.knex.on('query', count);
      try {
        await fixture.store.appendMany(
          Array.from({ length: 4 }, () => ({
            streamId: newStreamId(),
            events: someEvents(2),
            expectedRevision: 'no_stream' as const,
          })),
        );
        expect(statements).toHaveLength(1);
        expect(statements[0]).toMatch(/^\s*insert into events/);
        // a stream that exists after all: the optimistic insert fails, the lookup decides
        statements.length = 0;
        const taken = newStreamId();
        await fixture.store.append({ streamId: taken, events: someEvents(1) });
        const results = await fixture.store.appendMany([
          { streamId: taken, events: someEvents(1), expectedRevision: 'no_stream' },
          { streamId: newStreamId(), events: someEvents(1), expectedRevision: 'no_stream' },
        ]);
        expect(results[0]).toMatchObject({ code: 'EVENTSTORE.WRONG_EXPECTED_REVISION' });
        expect(results[1]).toMatchObject({ nextRevision: 0n });
      } finally {
        fixture.knex.off('query', count);
      }
    });

    it('single writer: live events come from the appends, gathered into batches, without reading back', async () => {
      const single = new PostgresEventStore(fixture.knex, { singleWriter: true, pollIntervalMs: 60_000 });
      const batches: string[][] = [];
      let caughtUp = false;
      const subscription = single.subscribeToAll({
        after: (await single.headPosition()) ?? undefined,
        liveBatchDelayMs: 100,
        handle: async (events) => {
          batches.push(events.map((e) => e.streamId));
        },
        onCaughtUp: () => (caughtUp = true),
      });
      await eventually(() => (caughtUp ? true : undefined), 5_000, 'onCaughtUp');
      const streams = Array.from({ length: 5 }, () => newStreamId());
      const reads: string[] = [];
      const count = (q: { sql: string }) => {
        if (/^\s*select/.test(q.sql)) reads.push(q.sql);
      };
      fixture.knex.on('query', count);
      try {
        for (const streamId of streams)
          await single.append({ streamId, events: someEvents(1), expectedRevision: 'no_stream' });
        await eventually(() => (batches.flat().length >= 5 ? true : undefined), 5_000, 'all five delivered');
        expect(batches.flat()).toEqual(streams);
        expect(batches.length).toBeLessThan(5);
        expect(reads).toEqual([]);
      } finally {
        fixture.knex.off('query', count);
        await subscription.stop();
      }
    });

    it('appends each request on its own when the database rejects the batch insert', async () => {
      const [good, bad, alsoGood] = [newStreamId(), newStreamId(), newStreamId()];
      const unstorable = anEvent({ type: 'nul \u0000 is not allowed in a Postgres text column' });

      const results = await fixture.store.appendMany([
        { streamId: good, events: someEvents(1) },
        { streamId: bad, events: [unstorable] },
        { streamId: alsoGood, events: someEvents(2), expectedRevision: 'no_stream' },
      ]);

      expect(results[0]).not.toBeInstanceOf(Error);
      expect(results[1]).toBeInstanceOf(Error);
      expect(results[2]).toMatchObject({ nextRevision: 1n });
      expect(await fixture.store.readStream(good)).toHaveLength(1);
      expect(await fixture.store.readStream(bad)).toEqual([]);
      expect(await fixture.store.readStream(alsoGood)).toHaveLength(2);
    });

    it('refuses event ids that are not UUIDs before touching the database', async () => {
      const streamId = newStreamId();

      await expect(
        fixture.store.append({ streamId, events: [anEvent({ id: 'not-a-uuid' })] }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(await fixture.store.readStream(streamId)).toEqual([]);
    });

    it('reads event ids case-insensitively for idempotency', async () => {
      const streamId = newStreamId();
      const event = anEvent();
      const original = await fixture.store.append({ streamId, events: [event] });

      const retried = await fixture.store.append({
        streamId,
        events: [{ ...event, id: event.id.toUpperCase() }],
      });

      expect(retried).toEqual(original);
      expect(await fixture.store.readStream(streamId)).toHaveLength(1);
    });
  });
});
