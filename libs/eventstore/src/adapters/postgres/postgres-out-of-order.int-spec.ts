import { describePostgres } from '@gw/database/testing';
import { comparePositions, type NewEvent, type Position } from '@gw/shared-kernel';
import type { Knex } from 'knex';
import type { AppendResult, ReadAllOptions, Subscription } from '../../event-store.port';
import {
  Collector,
  eventually,
  ids,
  newStreamId,
  someEvents,
  waitUntilVisible,
} from '../../testing/contract-fixtures';
import { writeBatch } from './postgres-append';
import { PostgresEventStore } from './postgres-event-store';
import { toPosition, type PositionRow } from './postgres-rows';
import { openTestDatabase, type TestDatabase } from './postgres-test-support';

/** Counts completed log reads, so a test can see that a subscription has looked again (no sleeps). */
class CountingEventStore extends PostgresEventStore {
  reads = 0;

  override async readAll(options?: ReadAllOptions) {
    const events = await super.readAll(options);
    this.reads += 1;
    return events;
  }
}

/**
 * Sequences hand out global positions at insert time, but transactions commit in any order. These tests
 * hold one append's transaction open (it has its position already) while later appends commit.
 */
describePostgres(
  'PostgresEventStore: transactions that commit out of order',
  () => {
    let db: TestDatabase;
    let store: CountingEventStore;

    beforeAll(async () => {
      db = await openTestDatabase('postgres');
      store = new CountingEventStore(db.knex, { pollIntervalMs: 20 });
    });
    afterAll(async () => {
      await store.close();
      await db.drop();
    });

    /** Transactions a test opened; whatever a failing test left open is rolled back. */
    const open: Knex.Transaction[] = [];
    const begin = async (): Promise<Knex.Transaction> => {
      const trx = await db.knex.transaction();
      open.push(trx);
      return trx;
    };
    afterEach(async () => {
      await Promise.allSettled(open.splice(0).map((trx) => (trx.isCompleted() ? undefined : trx.rollback())));
    });

    /**
     * The head once every committed event is visible: transactions of other suites on the same cluster
     * may hold readers back, and a start taken too early would let earlier events show up after it.
     */
    const settledStart = async (): Promise<Position | undefined> => {
      const { rows } = await db.knex.raw<{ rows: PositionRow[] }>(
        `select transaction_id::text as transaction_id, global_position from events
        order by transaction_id desc, global_position desc limit 1`,
      );
      if (rows[0]) await waitUntilVisible(store, toPosition(rows[0]), 10_000);
      return (await store.headPosition()) ?? undefined;
    };

    /** Appends through the adapter's own SQL inside a transaction that stays open. */
    const holdAppend = async (
      events: NewEvent[],
    ): Promise<{ trx: Knex.Transaction; result: AppendResult }> => {
      const trx = await begin();
      const { results } = await writeBatch(trx, [{ streamId: newStreamId('held'), events }]);
      const result = results[0];
      if (!result || result instanceof Error) throw result ?? new Error('no result');
      return { trx, result };
    };

    /** Two appends that start after the held one and commit while it is still open. */
    const appendLater = async (): Promise<{
      events: NewEvent[];
      results: AppendResult[];
      streams: string[];
    }> => {
      const events = someEvents(2, 'Later');
      const streams = events.map(() => newStreamId('later'));
      const results = [];
      for (const [i, event] of events.entries())
        results.push(await store.append({ streamId: streams[i]!, events: [event] }));
      return { events, results, streams };
    };

    /**
     * The later marker that replaces a quiet period: a read the subscription began after this call has
     * been read and handed over. (Reads are sequential: read n+1 starts after read n was delivered, so
     * three more completed reads include one that started, and was delivered, after now.)
     */
    const subscriptionLookedAgain = async (): Promise<void> => {
      const mark = store.reads;
      await eventually(
        () => (store.reads >= mark + 3 ? true : undefined),
        5_000,
        'the subscription to read again',
      );
    };

    const subscribeFrom = async (
      after: Position | undefined,
      collector: Collector,
    ): Promise<Subscription> => {
      let caughtUp = false;
      const subscription = store.subscribeToAll({
        after,
        handle: collector.handle,
        onCaughtUp: () => (caughtUp = true),
      });
      await eventually(() => (caughtUp ? true : undefined), 5_000, 'onCaughtUp');
      return subscription;
    };

    it('a naive reader by global position skips the held event for good (negative control)', async () => {
      const { rows } = await db.knex.raw<{ rows: { max: string | null }[] }>(
        'select max(global_position)::text as max from events',
      );
      let checkpoint = rows[0]?.max ?? '0';
      const seen: string[] = [];
      const naiveRead = async (): Promise<void> => {
        const page = await db.knex.raw<{ rows: { id: string; position: string }[] }>(
          'select event_id::text as id, global_position::text as position from events where global_position > ? order by global_position',
          [checkpoint],
        );
        for (const row of page.rows) {
          seen.push(row.id);
          checkpoint = row.position;
        }
      };
      const held = someEvents(1, 'Held');
      const { trx, result } = await holdAppend(held);
      const later = await appendLater();

      await naiveRead();
      await trx.commit();
      await naiveRead();

      expect(seen).toEqual(ids(later.events));
      expect(BigInt(checkpoint)).toBeGreaterThan(result.position.prepare);
      const stored = await db.knex.raw<{ rows: unknown[] }>('select 1 from events where event_id = ?', [
        held[0]!.id,
      ]);
      expect(stored.rows).toHaveLength(1);
    });

    it('readAll and subscriptions hold back later commits until the held one commits, then deliver all', async () => {
      const start = await settledStart();
      const collector = new Collector();
      const subscription = await subscribeFrom(start, collector);
      try {
        const held = someEvents(1, 'Held');
        const { trx, result: heldResult } = await holdAppend(held);
        const later = await appendLater();

        expect(ids(await store.readStream(later.streams[0]!))).toEqual(ids(later.events.slice(0, 1)));
        expect(await store.readAll({ after: start })).toEqual([]);
        expect(await store.headPosition()).toEqual(start ?? null);
        await subscriptionLookedAgain();
        expect(collector.events).toEqual([]);

        await trx.commit();
        const delivered = await collector.waitFor(3, [], true, 5_000);
        const read = await store.readAll({ after: start });

        expect(ids(delivered)).toEqual([...ids(held), ...ids(later.events)]);
        expect(ids(read)).toEqual(ids(delivered));
        for (const r of later.results)
          expect(comparePositions(heldResult.position, r.position)).toBeLessThan(0);
        expect(comparePositions((await store.headPosition())!, later.results[1]!.position)).toBe(0);
      } finally {
        await subscription.stop();
      }
    });

    it('orders by transaction id: an append that got its transaction id first but its position last is not skipped', async () => {
      const start = await settledStart();
      const collector = new Collector();
      const subscription = await subscribeFrom(start, collector);
      const early = await begin();
      const late = await begin();
      try {
        await early.raw('select pg_current_xact_id()'); // e.g. a read-model write before the append
        const lateEvents = someEvents(1, 'LateTransaction');
        const earlyEvents = someEvents(1, 'EarlyTransaction');
        const lateAppend = await writeBatch(late, [{ streamId: newStreamId('late'), events: lateEvents }]);
        const earlyAppend = await writeBatch(early, [
          { streamId: newStreamId('early'), events: earlyEvents },
        ]);
        await early.commit();
        const first = await collector.waitFor(1, [], true, 5_000);
        const settledByPosition = await db.knex.raw<{ rows: unknown[] }>(
          `select 1 from events where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           and global_position > ?`,
          [first[0]!.position.prepare.toString()],
        );
        await late.commit();
        const delivered = await collector.waitFor(2, [], true, 5_000);

        const [lateResult, earlyResult] = [lateAppend.results[0], earlyAppend.results[0]];
        if (!lateResult || lateResult instanceof Error || !earlyResult || earlyResult instanceof Error) {
          throw new Error('appends failed');
        }
        expect(lateResult.position.prepare).toBeLessThan(earlyResult.position.prepare);
        expect(earlyResult.position.commit).toBeLessThan(lateResult.position.commit);
        expect(ids(first)).toEqual(ids(earlyEvents));
        expect(settledByPosition.rows).toEqual([]); // a reader by position alone would now be past the late event
        expect(ids(delivered)).toEqual([...ids(earlyEvents), ...ids(lateEvents)]);
      } finally {
        await subscription.stop();
      }
    });

    it('a rolled-back transaction releases the readers and leaves no trace', async () => {
      const start = await settledStart();
      const collector = new Collector();
      const subscription = await subscribeFrom(start, collector);
      try {
        const { trx } = await holdAppend(someEvents(1, 'RolledBack'));
        const later = await appendLater();
        await subscriptionLookedAgain();
        const whileHeld = collector.events.length;

        await trx.rollback();
        const delivered = await collector.waitFor(2, [], true, 5_000);
        await subscriptionLookedAgain();

        expect(whileHeld).toBe(0);
        expect(ids(delivered)).toEqual(ids(later.events));
        expect(ids(collector.events)).toEqual(ids(later.events));
      } finally {
        await subscription.stop();
      }
    });
  },
  'two real PostgreSQL connections, one holding a transaction open',
);
