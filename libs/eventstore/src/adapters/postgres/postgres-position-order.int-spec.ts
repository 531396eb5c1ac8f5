import { randomUUID } from 'node:crypto';
import type { Position, RecordedEvent } from '@gw/shared-kernel';
import { comparePositions } from '@gw/shared-kernel';
import { PostgresEventStore } from './postgres-event-store';
import { openTestDatabase, type TestDatabase } from './postgres-test-support';

const event = () => ({
  id: randomUUID(),
  type: 'Ticked',
  version: 1,
  data: {},
  metadata: { correlationId: 'c', actorId: 'a' },
  occurredAt: new Date(),
});

/**
 * Positions order by (transaction id, sequence) as numbers. A fresh PGlite database hands out
 * transaction ids in the hundreds, so a few hundred appends cross 999 → 1000, where ordering by the
 * ids' text ("1000" < "999") would put later events first and make a reader skip earlier ones.
 * (On PostgreSQL the same boundary exists at every power of ten, but a test cannot choose where the
 * shared server's transaction ids are.)
 */
describe('PostgresEventStore on pglite: positions across a transaction-id digit boundary', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    store = new PostgresEventStore(db.knex, { singleWriter: true });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const currentTransactionId = async (): Promise<bigint> =>
    BigInt(
      ((await db.knex.raw('select pg_current_xact_id()::text as id')) as { rows: { id: string }[] }).rows[0]!
        .id,
    );

  it('reads every event once, in order, and the head is the last one', async () => {
    const start = await currentTransactionId();
    expect(start).toBeLessThan(990n); // the test needs to start below the boundary
    const appended: Position[] = [];
    while ((await currentTransactionId()) < 1_010n) {
      appended.push((await store.append({ streamId: `tick-${randomUUID()}`, events: [event()] })).position);
    }
    expect(appended.some((p) => p.commit < 1_000n) && appended.some((p) => p.commit >= 1_000n)).toBe(true);

    const read: RecordedEvent[] = [];
    let after: Position | undefined;
    for (;;) {
      const batch = await store.readAll({ after, maxCount: 50 });
      if (batch.length === 0) break;
      read.push(...batch);
      after = batch[batch.length - 1]!.position;
    }
    expect(read.map((e) => e.position)).toEqual(appended);
    expect(await store.headPosition()).toEqual(appended[appended.length - 1]);
    for (let i = 1; i < read.length; i++)
      expect(comparePositions(read[i]!.position, read[i - 1]!.position)).toBeGreaterThan(0);
  });
});
