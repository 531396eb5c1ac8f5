import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { InMemoryEventStore, type EventStore, type SubscribeToAllOptions } from '@gw/eventstore';
import { comparePositions, positionToString, type Position, type RecordedEvent } from '@gw/shared-kernel';
import { readProjectionCheckpoint } from '../checkpoints/projection-checkpoints';
import { listDeadLetters } from '../dead-letters/projection-dead-letters';
import type { Projection } from '../projection';
import { RecordingLogger } from '../testing/recording-logger';
import { amountAdded, appendRandomEvents, noise, sampleStreams } from '../testing/sample-events';
import { seededRandom } from '../testing/seeded-random';
import {
  createStreamTotalsTable,
  expectedStreamTotals,
  snapshotStreamTotals,
  streamTotalsProjection,
} from '../testing/stream-totals.projection';
import { describeBackends, openTestDatabase, type TestDatabase } from '../testing/test-databases';
import { ProjectionRunner } from './projection-runner';
import { ProjectionStoppedError, WaitForPositionTimeoutError } from './projection-runner.errors';
import type { ProjectionActivity, ProjectionRunnerOptions } from './projection-runner.options';

const FAST_RETRY = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 };

describeBackends('ProjectionRunner', (kind) => {
  let database: TestDatabase;
  let db: Knex;
  const runners: ProjectionRunner[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.knex;
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await database.drop();
  });

  /** A fresh table, projection name, log and 60 random events over 6 streams (+ noise). */
  async function setUp(seed = 1) {
    const table = await createStreamTotalsTable(db);
    const name = `totals-${randomUUID()}`;
    const store = new InMemoryEventStore();
    const streams = sampleStreams('totals', 6);
    await appendRandomEvents(store, seededRandom(seed), streams, 60);
    const logger = new RecordingLogger();
    const runner = (options: Partial<ProjectionRunnerOptions> = {}): ProjectionRunner => {
      const r = new ProjectionRunner({
        projection: streamTotalsProjection({ name, table }),
        eventStore: store,
        db,
        logger,
        retry: FAST_RETRY,
        maxBatchSize: 7,
        ...options,
      });
      runners.push(r);
      return r;
    };
    const expected = async (skip?: ReadonlySet<string>) => {
      const log = await store.readAll();
      return expectedStreamTotals(log, (await store.headPosition()) ?? null, skip);
    };
    return { table, name, store, streams, logger, runner, expected };
  }

  it('moves the read model and the checkpoint together, passing only handled events to apply', async () => {
    const { table, name, store, runner, expected } = await setUp();
    const log = await store.readAll();
    const handled = log.filter((e) => e.type !== 'SomethingElseHappened').length;
    const committed: Position[] = [];
    const r = runner({ onActivity: (a) => a.kind === 'committed' && committed.push(a.checkpoint) });

    await r.start();
    await r.waitForHead({ timeoutMs: 10_000 });

    expect(handled).toBeLessThan(log.length);
    expect(await snapshotStreamTotals(db, table)).toEqual(await expected());
    expect(await readProjectionCheckpoint(db, { name, version: 1 })).toEqual(await store.headPosition());
    expect(r.status()).toMatchObject({
      eventsProcessed: log.length,
      eventsApplied: handled,
      failedAttempts: 0,
    });
    expect(committed.length).toBe(Math.ceil(log.length / 7));
  });

  it('resumes after a restart from the stored checkpoint without applying anything twice', async () => {
    const { table, name, store, streams, runner, expected } = await setUp(2);
    const first = runner();
    await first.start();
    await first.waitForHead({ timeoutMs: 10_000 });
    await first.stop();
    const stopped = await readProjectionCheckpoint(db, { name, version: 1 });
    await appendRandomEvents(store, seededRandom(3), streams, 25);

    const seen: RecordedEvent[] = [];
    const projection = streamTotalsProjection({ name, table });
    const second = runner({
      projection: {
        ...projection,
        apply: (trx, events) => {
          seen.push(...events);
          return projection.apply(trx, events);
        },
      },
    });
    await second.start();
    await second.waitForHead({ timeoutMs: 10_000 });

    expect(stopped).not.toBeNull();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => comparePositions(e.position, stopped!) > 0)).toBe(true);
    expect(await snapshotStreamTotals(db, table)).toEqual(await expected());
  });

  it('apply is idempotent: the same batch and every event applied twice count once', async () => {
    const { table, name, store, expected } = await setUp(4);
    const projection = streamTotalsProjection({ name, table });
    const log = await store.readAll();

    await db.transaction((trx) => projection.apply(trx, log));
    await db.transaction((trx) => projection.apply(trx, log));
    for (const event of log) {
      await db.transaction(async (trx) => {
        await projection.apply(trx, [event]);
        await projection.apply(trx, [event]);
      });
    }

    expect(await snapshotStreamTotals(db, table)).toEqual(await expected());
  });

  it('waitFor resolves at the position, times out, and rejects once the runner stopped', async () => {
    const { store, streams, runner } = await setUp(5);
    const r = runner();
    await r.start();
    const appended = await store.append({ streamId: streams[0]!, events: [amountAdded(1)] });

    await expect(r.waitFor(appended.position, { timeoutMs: 10_000 })).resolves.toBeUndefined();
    expect(comparePositions(r.checkpoint!, appended.position)).toBe(0);
    const beyond = { commit: appended.position.commit + 100n, prepare: 0n };
    await expect(r.waitFor(beyond, { timeoutMs: 30 })).rejects.toBeInstanceOf(WaitForPositionTimeoutError);
    const pending = r.waitFor(beyond);
    await r.stop();
    await expect(pending).rejects.toBeInstanceOf(ProjectionStoppedError);
    await expect(r.waitFor(beyond)).rejects.toBeInstanceOf(ProjectionStoppedError);
  });

  it('stop is graceful: the batch in progress still commits', async () => {
    const { table, name, store, runner } = await setUp(6);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: (lastApplied: Position) => void;
    const inApply = new Promise<Position>((resolve) => (entered = resolve));
    const projection = streamTotalsProjection({ name, table });
    const watched = watchSubscriptionStop(store);
    const r = runner({
      eventStore: watched.store,
      projection: {
        ...projection,
        apply: async (trx, events) => {
          await projection.apply(trx, events);
          entered(events[events.length - 1]!.position);
          await gate;
        },
      },
    });
    await r.start();
    const gatedLast = await inApply;

    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    // The later marker: stop() has reached the subscription; a stop that did not wait for the batch
    // would have resolved by the end of this turn of the event loop.
    await watched.stopRequested;
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;

    const stored = await readProjectionCheckpoint(db, { name, version: 1 });
    expect(stored).toEqual(r.checkpoint);
    expect(comparePositions(stored!, gatedLast)).toBeGreaterThanOrEqual(0);
    expect(comparePositions(stored!, (await store.headPosition())!)).toBeLessThan(0);
    expect(await snapshotStreamTotals(db, table)).toEqual(
      expectedStreamTotals(await store.readAll(), stored),
    );
    expect(r.status().state).toBe('stopped');
  });

  it('retries a failing event with backoff, logging its position, and carries on when it succeeds', async () => {
    const { table, name, store, runner, logger, expected } = await setUp(7);
    const log = await store.readAll();
    const flaky = log.find((e) => e.type === 'AmountAdded' && log.indexOf(e) > 10)!;
    let failuresLeft = 4;
    const projection = streamTotalsProjection({ name, table });
    const r = runner({
      retry: { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 4 },
      projection: {
        ...projection,
        apply: async (trx, events) => {
          await projection.apply(trx, events);
          if (events.includes(flaky) && failuresLeft-- > 0) throw new Error('database hiccup');
        },
      },
    });

    await r.start();
    await r.waitForHead({ timeoutMs: 10_000 });

    expect(await snapshotStreamTotals(db, table)).toEqual(await expected());
    expect(await listDeadLetters(db, { projection: name })).toEqual([]);
    expect(r.status().failedAttempts).toBe(4);
    const flakyWarnings = logger
      .at('warn')
      .filter((e) => e.context.position === positionToString(flaky.position));
    expect(flakyWarnings.length).toBeGreaterThanOrEqual(1);
    expect(flakyWarnings[0]!.context).toMatchObject({ eventId: flaky.id, error: 'Error: database hiccup' });
  });

  it('dead-letters a poison event after N attempts and moves on', async () => {
    const { table, name, store, streams, runner, logger, expected } = await setUp(8);
    const poisoned = await store.append({ streamId: streams[2]!, events: [amountAdded(999_999, true)] });
    await appendRandomEvents(store, seededRandom(9), streams, 20);
    const poison = (await store.readAll()).find(
      (e) => comparePositions(e.position, poisoned.position) === 0,
    )!;
    const activities: ProjectionActivity[] = [];
    const projection = streamTotalsProjection({ name, table, failOn: (e) => e.id === poison.id });
    const r = runner({
      maxBatchSize: 50,
      onActivity: (a) => activities.push(a),
      projection,
    });

    await r.start();
    await r.waitForHead({ timeoutMs: 10_000 });

    const deadLetters = await listDeadLetters(db, { projection: name });
    expect(deadLetters).toEqual([
      expect.objectContaining({
        projection: name,
        projectionVersion: 1,
        position: poison.position,
        eventId: poison.id,
        eventType: 'AmountAdded',
        streamId: streams[2],
        attempts: FAST_RETRY.maxAttempts,
        error: expect.stringContaining('cannot be projected'),
      }),
    ]);
    const poisonPosition = positionToString(poison.position);
    expect(logger.at('warn').filter((e) => e.context.position === poisonPosition)).toHaveLength(
      FAST_RETRY.maxAttempts,
    );
    expect(await snapshotStreamTotals(db, table)).toEqual(await expected(new Set([poison.id])));
    expect(await readProjectionCheckpoint(db, { name, version: 1 })).toEqual(await store.headPosition());
    expect(r.status().deadLettered).toBe(1);
    expect(activities).toContainEqual(expect.objectContaining({ kind: 'dead-lettered', eventId: poison.id }));
    expect(logger.at('error')).toEqual([
      expect.objectContaining({
        context: expect.objectContaining({ position: positionToString(poison.position), eventId: poison.id }),
      }),
    ]);
  });

  it('two runners on one projection never apply an event twice (the checkpoint fences them)', async () => {
    const { table, store, streams, runner, expected } = await setUp(10);
    await appendRandomEvents(store, seededRandom(11), streams, 100);
    const a = runner({ maxBatchSize: 3 });
    const b = runner({ maxBatchSize: 5 });

    await Promise.all([a.start(), b.start()]);
    await Promise.all([a.waitForHead({ timeoutMs: 20_000 }), b.waitForHead({ timeoutMs: 20_000 })]);

    expect(await snapshotStreamTotals(db, table)).toEqual(await expected());
    expect(a.status().checkpointConflicts + b.status().checkpointConflicts).toBeGreaterThan(0);
  });

  it('restarts a failed subscription from the stored checkpoint', async () => {
    const { table, store, runner, logger, expected } = await setUp(12);
    const flaky = subscriptionFailingOnce(store);
    const r = runner({ eventStore: flaky });

    await r.start();
    await r.waitForHead({ timeoutMs: 10_000 });

    expect(await snapshotStreamTotals(db, table)).toEqual(await expected());
    expect(r.status()).toMatchObject({ restarts: 1, state: 'running' });
    expect(logger.at('error')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('restarting from the stored checkpoint') }),
    ]);
  });

  it('measures lag as events between the checkpoint and the head', async () => {
    const { store, runner } = await setUp(13);
    const total = (await store.readAll()).length;
    const r = runner();

    expect(await r.measureLag(10_000)).toMatchObject({
      checkpoint: null,
      eventsBehind: total,
      atLeast: false,
    });
    expect(await r.measureLag(10)).toMatchObject({ eventsBehind: 10, atLeast: true });
    await r.start();
    await r.waitForHead({ timeoutMs: 10_000 });
    await store.append({ streamId: 'other-1', events: [noise()] });
    await r.waitForHead({ timeoutMs: 10_000 });
    expect(await r.measureLag()).toMatchObject({ eventsBehind: 0, head: await store.headPosition() });
  });

  it('refuses projections it cannot key', () => {
    const bad: Projection = { name: '', version: 1, tables: [], apply: () => Promise.resolve() };
    expect(() => make(bad)).toThrow(/name/);
    expect(() => make({ ...bad, name: 'ok', version: 0 })).toThrow(/version/);

    function make(projection: Projection): ProjectionRunner {
      return new ProjectionRunner({
        projection,
        eventStore: new InMemoryEventStore(),
        db,
        logger: new RecordingLogger(),
      });
    }
  });
});

/** Resolves `stopRequested` when someone asks a subscription of `store` to stop. */
function watchSubscriptionStop(store: EventStore): { store: EventStore; stopRequested: Promise<void> } {
  let requested!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requested = resolve));
  const subscribeToAll = (options: SubscribeToAllOptions) => {
    const subscription = store.subscribeToAll(options);
    return {
      stop: () => {
        requested();
        return subscription.stop();
      },
    };
  };
  return {
    stopRequested,
    store: new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'subscribeToAll' ? subscribeToAll : (Reflect.get(target, property, receiver) as unknown),
    }),
  };
}

/** The first subscription fails after delivering one batch, like a dropped connection. */
function subscriptionFailingOnce(store: EventStore): EventStore {
  let failed = false;
  const subscribeToAll = (options: SubscribeToAllOptions) =>
    store.subscribeToAll({
      ...options,
      handle: async (events) => {
        await options.handle(events);
        if (!failed) {
          failed = true;
          throw new Error('event store connection lost');
        }
      },
    });
  return new Proxy(store, {
    get: (target, property, receiver) =>
      property === 'subscribeToAll' ? subscribeToAll : (Reflect.get(target, property, receiver) as unknown),
  });
}
