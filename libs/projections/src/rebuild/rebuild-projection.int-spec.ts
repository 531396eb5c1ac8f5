import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { InMemoryEventStore } from '@gw/eventstore';
import type { RecordedEvent } from '@gw/shared-kernel';
import { readProjectionCheckpoint } from '../checkpoints/projection-checkpoints';
import { listDeadLetters, type DeadLetter } from '../dead-letters/projection-dead-letters';
import { ProjectionRunner } from '../runner/projection-runner';
import { RecordingLogger } from '../testing/recording-logger';
import { amountAdded, appendRandomEvents, sampleStreams } from '../testing/sample-events';
import { seededRandom } from '../testing/seeded-random';
import {
  createStreamTotalsTable,
  expectedStreamTotals,
  snapshotStreamTotals,
  streamTotalsProjection,
} from '../testing/stream-totals.projection';
import { describeBackends, openTestDatabase, type TestDatabase } from '../testing/test-databases';
import { rebuildAll, rebuildProjection, resetProjection } from './rebuild-projection';

const withoutTimestamp = (letters: DeadLetter[]) => letters.map(({ deadLetteredAt: _at, ...rest }) => rest);

describeBackends('rebuildProjection', (kind) => {
  let database: TestDatabase;
  let db: Knex;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.knex;
  });
  afterAll(async () => {
    await database.drop();
  });

  /** A log of 150 events (one of them poison), a table, and a projection that dead-letters the poison. */
  async function setUp() {
    const store = new InMemoryEventStore();
    const streams = sampleStreams('rebuild', 8);
    await appendRandomEvents(store, seededRandom(21), streams, 80);
    await store.append({ streamId: streams[0]!, events: [amountAdded(5, true)] });
    await appendRandomEvents(store, seededRandom(22), streams, 70);
    const poison = (await store.readAll()).find((e) => (e.data as { poison?: boolean }).poison === true)!;
    const table = await createStreamTotalsTable(db);
    const name = `rebuild-${randomUUID()}`;
    const projection = streamTotalsProjection({
      name,
      table,
      failOn: (e: RecordedEvent) => e.id === poison.id,
    });
    const runtime = {
      eventStore: store,
      db,
      logger,
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    };
    return { store, streams, table, name, projection, runtime, poison };
  }

  it('gives the same rows, checkpoint and dead letters as the live projection', async () => {
    const { store, streams, table, name, projection, runtime, poison } = await setUp();
    const live = new ProjectionRunner({ ...runtime, projection, maxBatchSize: 9 });
    await live.start();
    await live.waitForHead({ timeoutMs: 10_000 });
    await live.stop();
    await appendRandomEvents(store, seededRandom(23), streams, 30);
    await live.start();
    await live.waitForHead({ timeoutMs: 10_000 });
    await live.stop();
    const rows = await snapshotStreamTotals(db, table);
    const deadLetters = withoutTimestamp(await listDeadLetters(db, { projection: name }));

    const result = await rebuildProjection(projection, runtime);

    expect(await snapshotStreamTotals(db, table)).toEqual(rows);
    expect(rows).toEqual(
      expectedStreamTotals(await store.readAll(), await store.headPosition(), new Set([poison.id])),
    );
    expect(withoutTimestamp(await listDeadLetters(db, { projection: name }))).toEqual(deadLetters);
    expect(deadLetters).toHaveLength(1);
    expect(result).toMatchObject({
      projection: name,
      version: 1,
      runner: null,
      events: (await store.readAll()).length,
    });
    expect(result.checkpoint).toEqual(await store.headPosition());
    expect(await readProjectionCheckpoint(db, projection)).toEqual(await store.headPosition());
  });

  it('repairs a damaged read model, and can continue live', async () => {
    const { store, streams, table, projection, runtime, poison } = await setUp();
    await rebuildProjection(projection, runtime);
    await db(table).update({ sum: 424242 });
    await db(table).where('stream_id', streams[1]!).delete();

    const { runner } = await rebuildProjection(projection, runtime, { continueLive: true });
    try {
      await appendRandomEvents(store, seededRandom(24), streams, 20);
      await runner!.waitForHead({ timeoutMs: 10_000 });
      expect(runner!.status().state).toBe('running');
    } finally {
      await runner!.stop();
    }

    expect(await snapshotStreamTotals(db, table)).toEqual(
      expectedStreamTotals(await store.readAll(), await store.headPosition(), new Set([poison.id])),
    );
  });

  it('rebuildAll rebuilds every projection and refuses duplicates', async () => {
    const first = await setUp();
    const secondTable = await createStreamTotalsTable(db);
    const second = streamTotalsProjection({ name: `rebuild-${randomUUID()}`, table: secondTable });
    await db(first.table).insert({
      stream_id: 'garbage-1',
      events: 1,
      sum: 1,
      resets: 0,
      last_commit: 0,
      last_prepare: 0,
    });

    const results = await rebuildAll([first.projection, second], first.runtime);

    const log = await first.store.readAll();
    const head = await first.store.headPosition();
    expect(results.map((r) => r.projection)).toEqual([first.projection.name, second.name]);
    expect(await snapshotStreamTotals(db, first.table)).toEqual(
      expectedStreamTotals(log, head, new Set([first.poison.id])),
    );
    expect(await snapshotStreamTotals(db, secondTable)).toEqual(expectedStreamTotals(log, head));
    await expect(rebuildAll([second, second], first.runtime)).rejects.toThrow(/twice/);
  });

  it('resetProjection is one transaction: a failure leaves tables, checkpoint and dead letters alone', async () => {
    const { table, name, projection, runtime } = await setUp();
    await rebuildProjection(projection, runtime);
    const rows = await snapshotStreamTotals(db, table);
    const checkpoint = await readProjectionCheckpoint(db, projection);

    await expect(
      resetProjection(db, { ...projection, tables: [table, `missing_${randomUUID().slice(0, 8)}`] }),
    ).rejects.toThrow();
    expect(await snapshotStreamTotals(db, table)).toEqual(rows);
    expect(await readProjectionCheckpoint(db, projection)).toEqual(checkpoint);

    await resetProjection(db, projection);
    expect(await snapshotStreamTotals(db, table)).toEqual([]);
    expect(await readProjectionCheckpoint(db, projection)).toBeNull();
    expect(await listDeadLetters(db, { projection: name })).toEqual([]);
    expect(rows.length).toBeGreaterThan(0);
  });
});
