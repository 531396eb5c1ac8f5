import { InMemoryEventStore } from '@gw/eventstore';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { silentProjectionLogger } from '@gw/projections';
import { migration as createRelayCheckpoints } from '../../../../migrations/20261210120000_create_relay_checkpoints';
import { PUBLISHED_EVENT_TYPES } from '../contracts/event-mapping';
import { InMemoryPublisher, sampleDomainEvents, streamOf } from '../testing';
import { EventRelay } from './event-relay';
import { KnexRelayCheckpoints } from './relay-checkpoints';

describeBackends('KnexRelayCheckpoints', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind, [createRelayCheckpoints], 'relay');
  });
  afterAll(() => db?.drop());

  it('stores one position per relay, 64-bit values exact', async () => {
    const a = new KnexRelayCheckpoints(db.knex, 'a');
    const b = new KnexRelayCheckpoints(db.knex, 'b');
    expect(await a.load()).toBeNull();
    await a.save({ commit: 18_446_744_073_709_551_615n, prepare: 9_007_199_254_740_993n });
    await b.save({ commit: 1n, prepare: 2n });
    await a.save({ commit: 18_446_744_073_709_551_615n, prepare: 9_007_199_254_740_995n });
    expect(await a.load()).toEqual({ commit: 18_446_744_073_709_551_615n, prepare: 9_007_199_254_740_995n });
    expect(await b.load()).toEqual({ commit: 1n, prepare: 2n });
  });

  it('a relay restarted on the stored checkpoint publishes nothing twice', async () => {
    const store = new InMemoryEventStore();
    const publisher = new InMemoryPublisher();
    const checkpoints = new KnexRelayCheckpoints(db.knex, 'restart');
    const append = async (): Promise<string[]> => {
      const events = sampleDomainEvents();
      for (const e of events) await store.append({ streamId: streamOf(e), events: [e] });
      return events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id);
    };
    const run = async (): Promise<void> => {
      const relay = new EventRelay({
        eventStore: store,
        checkpoints,
        publisher,
        logger: silentProjectionLogger,
      });
      await relay.start();
      await relay.waitFor((await store.readAll({ eventTypes: PUBLISHED_EVENT_TYPES })).at(-1)!.position);
      await relay.stop();
    };
    const first = await append();
    await run();
    const second = await append();
    await run();
    expect(publisher.acknowledged.map((m) => m.value.eventId)).toEqual([...first, ...second]);
    expect(publisher.broker.allMessages()).toHaveLength(first.length + second.length);
  });
});
