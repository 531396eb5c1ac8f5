import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NewEvent, RecordedEvent } from '@gw/shared-kernel';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { silentProjectionLogger } from '@gw/projections';
import { eventually } from '@gw/shared-kernel/testing';
import { toOutgoingMessage, TOPICS, type OutgoingMessage } from '@gw/messaging';
import { InMemoryBroker, sampleDomainEvents, streamOf } from '@gw/messaging/testing';
import { migration as createBillingLedger } from '../../../migrations/20261210120100_create_billing_ledger';
import { BillingConsumer } from './billing-consumer';
import { readLedger, type LedgerRow } from './billing-store';
import { LagoClient } from './lago-client';
import type { LagoEvent } from './usage-ledger';

const GROUP = 'billing-test';

const asMessages = (events: readonly NewEvent[]): OutgoingMessage[] =>
  events
    .map((e, i): RecordedEvent => ({
      ...e,
      streamId: streamOf(e),
      revision: 0n,
      position: { commit: BigInt(i), prepare: BigInt(i) },
    }))
    .map((e) => toOutgoingMessage(e))
    .filter((m): m is OutgoingMessage => m !== null);

/** Usage of `count` requests for `userId` with distinct amounts, as the relay publishes them. */
function usage(userId: string, count: number): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const [message] = asMessages(sampleDomainEvents(userId).filter((e) => e.type === 'UsageRecorded'));
    const data = { ...message!.value.data, promptTokens: 10 + i, chargedMicros: String(1000 * (i + 1)) };
    return { ...message!, value: { ...message!.value, data } };
  });
}

interface FakeLago {
  readonly url: string;
  readonly received: Array<{ authorization: string | undefined; body: LagoEvent }>;
  failNext(count: number): void;
  close(): Promise<void>;
}

async function startFakeLago(): Promise<FakeLago> {
  const received: FakeLago['received'] = [];
  let failures = 0;
  const seen = new Set<string>();
  const read = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => resolve(text));
    });
  const server: Server = createServer((req, res) => {
    void read(req).then((text) => {
      if (req.method !== 'POST' || req.url !== '/api/v1/events') {
        res.writeHead(404).end();
        return;
      }
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":500}');
        return;
      }
      const body = JSON.parse(text) as LagoEvent;
      received.push({ authorization: req.headers.authorization, body });
      if (seen.has(body.event.transaction_id)) {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(
          '{"status":422,"code":"validation_errors","error_details":{"transaction_id":["value_already_exist"]}}',
        );
        return;
      }
      seen.add(body.event.transaction_id);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext: (count) => (failures += count),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describeBackends('BillingConsumer', (kind) => {
  let db: TestDatabase;
  let broker: InMemoryBroker;
  const running: BillingConsumer[] = [];

  beforeEach(async () => {
    db = await openTestDatabase(kind, [createBillingLedger], 'billing');
    broker = new InMemoryBroker();
  });
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
    await db?.drop();
  });

  const start = async (lago?: LagoClient, target: TestDatabase = db): Promise<BillingConsumer> => {
    const consumer = new BillingConsumer({
      db: target.knex,
      consumer: broker.consumer(GROUP, [TOPICS.usage], { maxBatchSize: 4 }),
      logger: silentProjectionLogger,
      ...(lago && { lago }),
      backoff: { initialDelayMs: 1, maxDelayMs: 10 },
    });
    running.push(consumer);
    await consumer.start();
    return consumer;
  };
  const publish = (messages: readonly OutgoingMessage[]) => broker.publisher().publish(messages);
  /** Until the group has committed every message of the topic. */
  const drained = () =>
    eventually(
      () => {
        const committed = broker.committed(GROUP, TOPICS.usage).reduce((a, b) => a + b, 0);
        return committed === broker.messages(TOPICS.usage).length ? true : undefined;
      },
      10_000,
      'the consumer to commit every usage message',
    );
  const ledgerOf = async (target: TestDatabase = db): Promise<LedgerRow[]> => readLedger(target.knex);

  it('keeps a per-user ledger and counts a redelivered event once', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()].sort();
    const aliceUsage = usage(alice!, 3);
    await publish([...aliceUsage, ...usage(bob!, 2)]);
    await publish([aliceUsage[0]!, aliceUsage[2]!]); // the relay republished after a crash
    await start();
    await drained();

    expect(await ledgerOf()).toEqual([
      {
        userId: alice,
        events: 3n,
        requests: 3n,
        promptTokens: 10n + 11n + 12n,
        completionTokens: 90n,
        cachedTokens: 6n,
        providerCostMicros: 3n * 1234n,
        chargedMicros: 1000n + 2000n + 3000n,
      },
      {
        userId: bob,
        events: 2n,
        requests: 2n,
        promptTokens: 21n,
        completionTokens: 60n,
        cachedTokens: 4n,
        providerCostMicros: 2n * 1234n,
        chargedMicros: 3000n,
      },
    ]);
  });

  it('replayed from offset 0 (twice) ends with the same ledger, and a fresh database gets it too', async () => {
    await publish([...usage(randomUUID(), 5), ...usage(randomUUID(), 4)]);
    const first = await start();
    await drained();
    const ledger = await ledgerOf();
    expect(ledger.map((r) => r.requests)).toEqual(expect.arrayContaining([5n, 4n]));

    for (let replay = 0; replay < 2; replay++) {
      await first.stop();
      running.splice(running.indexOf(first), 1);
      broker.resetOffsets(GROUP, TOPICS.usage);
      expect(broker.committed(GROUP, TOPICS.usage).every((o) => o === 0)).toBe(true);
      await start();
      await drained();
      expect(await ledgerOf()).toEqual(ledger);
      await running.pop()!.stop();
    }

    const fresh = await openTestDatabase(kind, [createBillingLedger], 'billing');
    try {
      broker.resetOffsets(GROUP, TOPICS.usage);
      await start(undefined, fresh);
      await drained();
      expect(await ledgerOf(fresh)).toEqual(ledger);
      await running.pop()!.stop();
    } finally {
      await fresh.drop();
    }
  });

  it('passes over other types and malformed values without recording them', async () => {
    const userId = randomUUID();
    const others = asMessages(sampleDomainEvents(userId)).filter((m) => m.value.type !== 'UsageRecorded');
    const broken = {
      ...usage(userId, 1)[0]!,
      value: { ...usage(userId, 1)[0]!.value, data: { promptTokens: 'many' } },
    };
    await publish(others.map((m) => ({ ...m, topic: TOPICS.usage })));
    await publish([broken, ...usage(userId, 1)]);
    broker.append(TOPICS.usage, userId, 'not json');
    await start();
    await drained();
    expect((await ledgerOf()).map((r) => [r.userId, r.requests])).toEqual([[userId, 1n]]);
    const [{ count }] = await db.knex('billing_processed_events').count<{ count: string }[]>('* as count');
    expect(Number(count)).toBe(1);
  });

  describe('with Lago', () => {
    let lago: FakeLago;
    beforeEach(async () => {
      lago = await startFakeLago();
    });
    afterEach(() => lago.close());

    it('forwards each usage event once per transaction id, through a Lago 500, and not again on replay', async () => {
      const userId = randomUUID();
      const messages = usage(userId, 3);
      lago.failNext(2);
      await publish([...messages, messages[1]!]);
      const consumer = await start(
        new LagoClient({ apiUrl: lago.url, apiKey: 'lago-test-key', metricCode: 'llm_usage' }),
      );
      await drained();

      const ids = lago.received.map((r) => r.body.event.transaction_id);
      expect(ids.sort()).toEqual(messages.map((m) => m.value.eventId).sort());
      expect(lago.received.every((r) => r.authorization === 'Bearer lago-test-key')).toBe(true);
      const first = lago.received.find((r) => r.body.event.transaction_id === messages[0]!.value.eventId)!;
      expect(first.body).toEqual({
        event: {
          transaction_id: messages[0]!.value.eventId,
          external_subscription_id: userId,
          code: 'llm_usage',
          timestamp: Math.floor(Date.parse('2026-12-10T12:00:00.000Z') / 1000),
          properties: {
            prompt_tokens: 10,
            completion_tokens: 30,
            cached_tokens: 2,
            total_tokens: 40,
            provider_cost_micros: '1234',
            charged_micros: '1000',
            model: 'openai/gpt-4o-mini',
            provider: 'openai',
            power_level: 'balanced',
            key_source: 'byok',
          },
        },
      });
      const statuses = await db
        .knex('billing_processed_events')
        .select('lago_status')
        .where({ user_id: userId });
      expect(statuses.map((s: { lago_status: string }) => s.lago_status)).toEqual(['sent', 'sent', 'sent']);

      await consumer.stop();
      running.splice(running.indexOf(consumer), 1);
      broker.resetOffsets(GROUP, TOPICS.usage);
      await start(new LagoClient({ apiUrl: lago.url, apiKey: 'lago-test-key', metricCode: 'llm_usage' }));
      await drained();
      expect(lago.received).toHaveLength(3);
    });
  });
});
