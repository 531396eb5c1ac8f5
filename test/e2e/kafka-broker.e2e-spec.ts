import { randomUUID } from 'node:crypto';
import { openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { InMemoryEventStore } from '@gw/eventstore';
import {
  ALL_TOPICS,
  createKafka,
  ensureTopics,
  EventRelay,
  InMemoryRelayCheckpoints,
  KafkaMessageConsumer,
  KafkaPublisher,
  PUBLISHED_EVENT_TYPES,
  TOPICS,
  type ConsumedMessage,
} from '@gw/messaging';
import { describeKafka, loadKafkaSchemas, sampleDomainEvents, streamOf } from '@gw/messaging/testing';
import { silentProjectionLogger } from '@gw/projections';
import { eventually } from '@gw/shared-kernel/testing';
import { migration as createBillingLedger } from '../../migrations/20261210120100_create_billing_ledger';
import { migration as addCreditsToBillingLedger } from '../../migrations/20261210120200_add_credits_to_billing_ledger';
import { BillingConsumer } from '../../apps/billing-consumer/src/billing-consumer';
import { readLedger } from '../../apps/billing-consumer/src/billing-store';

/** Relay → Kafka → billing consumer, on a real broker (KAFKA_BROKERS, e.g. compose's 127.0.0.1:29092). */
describeKafka('Relay to Kafka to the billing consumer', (brokers) => {
  const kafka = createKafka({ brokers, clientId: 'switchyard-e2e' });
  let db: TestDatabase;

  beforeAll(async () => {
    await ensureTopics(kafka, { topics: ALL_TOPICS, numPartitions: 3 });
    db = await openTestDatabase('pglite', [createBillingLedger, addCreditsToBillingLedger], 'kafka');
  }, 60_000);
  afterAll(() => db?.drop());

  it('every message on the broker validates, and the consumer ledger matches what was published', async () => {
    const userId = randomUUID();
    const store = new InMemoryEventStore();
    const events = [...sampleDomainEvents(userId), ...sampleDomainEvents(userId)];
    for (const e of events) await store.append({ streamId: streamOf(e), events: [e] });
    const publisher = new KafkaPublisher(kafka);
    const relay = new EventRelay({
      eventStore: store,
      checkpoints: new InMemoryRelayCheckpoints(),
      publisher,
      logger: silentProjectionLogger,
    });
    await relay.start();
    await relay.waitFor((await store.readAll({ eventTypes: PUBLISHED_EVENT_TYPES })).at(-1)!.position);
    await relay.stop();
    await publisher.close();

    const published = new Set(events.filter((e) => PUBLISHED_EVENT_TYPES.includes(e.type)).map((e) => e.id));
    const seen: ConsumedMessage[] = [];
    const watcher = new KafkaMessageConsumer(kafka, {
      groupId: `e2e-watch-${randomUUID()}`,
      topics: ALL_TOPICS,
    });
    await watcher.run({
      handle: (batch) => {
        seen.push(
          ...batch.filter((m) => published.has((JSON.parse(m.value) as { eventId: string }).eventId)),
        );
        return Promise.resolve();
      },
    });
    const billing = new BillingConsumer({
      db: db.knex,
      consumer: new KafkaMessageConsumer(kafka, {
        groupId: `e2e-billing-${randomUUID()}`,
        topics: [TOPICS.usage],
      }),
      logger: silentProjectionLogger,
    });
    await billing.start();
    try {
      await eventually(
        () => (seen.length >= published.size ? true : undefined),
        60_000,
        'every message',
        100,
      );
      const schemas = loadKafkaSchemas();
      expect(seen.flatMap((m) => schemas.check(m))).toEqual([]);
      const ledger = await eventually(
        async () =>
          (await readLedger(db.knex)).find(
            (r) => r.userId === userId && r.requests === 2n && r.corrections === 2n && r.purchases === 2n,
          ),
        60_000,
        'the ledger to count both samples (usage, correction, grant, purchase)',
        100,
      );
      // Each sample: UsageRecorded 2468 charged / 1234 cost, UsageRepriced +1000 / +2500, a grant of
      // 5,000,000 and a purchase paid 10,000,000 (its own grant is not in the samples).
      expect(ledger).toMatchObject({
        chargedMicros: 2n * (2468n + 1000n),
        providerCostMicros: 2n * (1234n + 2500n),
        grantedMicros: 2n * 5_000_000n,
        paidMicros: 2n * 10_000_000n,
      });
    } finally {
      await watcher.stop();
      await billing.stop();
    }
  }, 120_000);
});
