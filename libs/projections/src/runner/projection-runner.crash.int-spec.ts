import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { InMemoryEventStore } from '@gw/eventstore';
import { readCheckpoint, readProjectionCheckpoint } from '../checkpoints/projection-checkpoints';
import { listDeadLetters } from '../dead-letters/projection-dead-letters';
import { rebuildProjection } from '../rebuild/rebuild-projection';
import { KillSwitch, killableDatabase } from '../testing/kill-switch';
import { RecordingLogger } from '../testing/recording-logger';
import { appendRandomEvents, sampleStreams } from '../testing/sample-events';
import { seedFrom, seededRandom, type SeededRandom } from '../testing/seeded-random';
import {
  createStreamTotalsTable,
  expectedStreamTotals,
  snapshotStreamTotals,
  streamTotalsProjection,
} from '../testing/stream-totals.projection';
import { describeBackends, openTestDatabase, type TestDatabase } from '../testing/test-databases';
import { ProjectionRunner } from './projection-runner';

/**
 * THE CRASH TEST. One log, one database, many runner incarnations. Each incarnation is "killed" without
 * a graceful stop: right before its k-th transaction (after k-1 committed ones), in the middle of a
 * transaction (the projection throws after a random number of row writes, and the process is gone before
 * it could retry), or while idle after a transient failure it recovered from. A killed runner never touches the database again (see
 * killableDatabase), exactly like a dead process. After every crash the read model must equal the log
 * folded up to the stored checkpoint; at the end it must equal a rebuild into a fresh database.
 */
const ROUNDS = 24;
const MODES = ['mid-transaction', 'between-batches', 'transient-then-idle'] as const;
type Mode = (typeof MODES)[number];
const SEED_ENV = 'PROJECTION_CRASH_SEED';
const seed = seedFrom(SEED_ENV);

describeBackends('ProjectionRunner crash recovery', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    process.stdout.write(`projection crash test (${kind}): seed ${seed}; replay with ${SEED_ENV}=${seed}\n`);
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database.drop();
  });

  it(`read model equals a fresh rebuild after ${ROUNDS} crashes (seed in the test output)`, async () => {
    const rng = seededRandom(seed);
    const db = database.knex;
    const store = new InMemoryEventStore();
    const table = await createStreamTotalsTable(db);
    const name = `crash-${randomUUID()}`;
    const streams = sampleStreams('crash', 40);
    const logger = new RecordingLogger();
    const crashes: Record<string, number> = {};
    let transientFailuresSeen = 0;
    await appendRandomEvents(store, rng, streams, 120, 3);

    for (let round = 0; round < ROUNDS; round++) {
      await appendRandomEvents(store, rng, streams, rng.int(10, 30), 3);
      const mode = MODES[round % MODES.length]!;
      const incarnation = startIncarnation(mode, rng, { db, store, table, name, logger });
      await incarnation.runner.start();
      await appendRandomEvents(store, rng, streams, rng.int(0, 10));
      await Promise.race([incarnation.kill.killed, incarnation.runner.waitForHead()]);
      incarnation.kill.trip('idle');
      crashes[incarnation.kill.reason!] = (crashes[incarnation.kill.reason!] ?? 0) + 1;
      if (mode === 'transient-then-idle' && incarnation.runner.status().failedAttempts > 0)
        transientFailuresSeen++;
      // The killed runner is abandoned, not stopped. What it left behind must be consistent:
      await expectReadModelMatchesCheckpoint(
        db,
        store,
        table,
        name,
        `round ${round} (${mode}), seed ${seed}`,
      );
    }

    const final = new ProjectionRunner({
      projection: streamTotalsProjection({ name, table }),
      eventStore: store,
      db,
      logger,
      maxBatchSize: 64,
    });
    await final.start();
    await final.waitForHead({ timeoutMs: 20_000 });
    await final.stop();
    const log = await store.readAll();
    const head = await store.headPosition();
    const live = await snapshotStreamTotals(db, table);

    const fresh = await openTestDatabase(kind);
    try {
      await createStreamTotalsTable(fresh.knex, table);
      await rebuildProjection(streamTotalsProjection({ name, table }), {
        eventStore: store,
        db: fresh.knex,
        logger,
      });
      expect(live).toEqual(await snapshotStreamTotals(fresh.knex, table));
    } finally {
      await fresh.drop();
    }
    expect(live).toEqual(expectedStreamTotals(log, head));
    expect(live.length).toBeGreaterThan(30);
    expect(log.length).toBeGreaterThan(350);
    expect(await readProjectionCheckpoint(db, { name, version: 1 })).toEqual(head);
    expect(await listDeadLetters(db, { projection: name })).toEqual([]);
    expect(logger.at('error')).toEqual([]);
    const perMode = ROUNDS / MODES.length;
    expect(crashes).toEqual({ 'mid-transaction': perMode, 'between-batches': perMode, idle: perMode });
    expect(transientFailuresSeen).toBe(perMode);
  });
});

interface Fixture {
  readonly db: Knex;
  readonly store: InMemoryEventStore;
  readonly table: string;
  readonly name: string;
  readonly logger: RecordingLogger;
}

/** A runner that will die the way `mode` says; its database goes dead with it. */
function startIncarnation(mode: Mode, rng: SeededRandom, { db, store, table, name, logger }: Fixture) {
  const kill = new KillSwitch();
  // Every round appends amounts to 3 distinct streams first: at least 3 row writes are coming.
  const failAfterWrites = rng.int(0, 2);
  // Transaction 1 reads the checkpoint in start(); 2.. are batches. Small batches: there are several.
  const killBeforeTransaction = rng.int(2, 5);
  let writes = 0;
  let transientThrown = false;
  const projection = streamTotalsProjection({
    name,
    table,
    beforeWrite: () => {
      if (writes++ < failAfterWrites) return;
      if (mode === 'mid-transaction') {
        kill.trip('mid-transaction');
        throw new Error('injected crash in the middle of a transaction');
      }
      if (mode === 'transient-then-idle' && !transientThrown) {
        transientThrown = true;
        throw new Error('injected transient failure');
      }
    },
  });
  const runner = new ProjectionRunner({
    projection,
    eventStore: store,
    db: killableDatabase(db, kill, (n) => {
      if (mode === 'between-batches' && n >= killBeforeTransaction) kill.trip('between-batches');
    }),
    logger,
    maxBatchSize: mode === 'between-batches' ? rng.int(1, 3) : rng.int(1, 40),
    retry: { maxAttempts: 20, initialDelayMs: 1, maxDelayMs: 4 },
  });
  return { runner, kill };
}

/** Read model and checkpoint, read in one snapshot, must equal the log folded up to that checkpoint. */
async function expectReadModelMatchesCheckpoint(
  db: Knex,
  store: InMemoryEventStore,
  table: string,
  name: string,
  where: string,
): Promise<void> {
  const { checkpoint, rows } = await db.transaction(
    async (trx) => ({
      checkpoint: await readCheckpoint(trx, { name, version: 1 }),
      rows: await snapshotStreamTotals(trx, table),
    }),
    { isolationLevel: 'repeatable read' },
  );
  const expected = expectedStreamTotals(await store.readAll(), checkpoint);
  if (JSON.stringify(rows) !== JSON.stringify(expected)) {
    throw new Error(`read model and checkpoint diverged after ${where}`);
  }
  expect(rows).toEqual(expected);
}
