import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NewEvent, RecordedEvent } from '@gw/shared-kernel';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { silentProjectionLogger } from '@gw/projections';
import { eventually } from '@gw/shared-kernel/testing';
import { toOutgoingMessage, TOPICS, type OutgoingMessage } from '@gw/messaging';
import { InMemoryBroker, sampleDomainEvents, streamOf } from '@gw/messaging/testing';
import { creditsDecider, type CreditsEvent } from '@gw/usage-billing';
import { migration as createBillingLedger } from '../../../migrations/20261210120100_create_billing_ledger';
import { migration as addCreditsToBillingLedger } from '../../../migrations/20261210120200_add_credits_to_billing_ledger';
import { BillingConsumer } from './billing-consumer';
import { readLedger, type LedgerRow } from './billing-store';
import { LagoClient } from './lago-client';
import { LEDGER_ENTRY_KINDS, ZERO_DELTA, type LagoEvent } from './usage-ledger';

const GROUP = 'billing-test';
const MIGRATIONS = [createBillingLedger, addCreditsToBillingLedger];
const AT = '2026-12-10T12:00:00.000Z';

const asMessages = (
  events: readonly NewEvent[],
  stream: (e: NewEvent) => string = streamOf,
): OutgoingMessage[] =>
  events
    .map((e, i): RecordedEvent => ({
      ...e,
      streamId: stream(e),
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

const newEvent = (type: string, data: Record<string, unknown>, occurredAt = AT): NewEvent => ({
  id: randomUUID(),
  type,
  version: 1,
  data,
  metadata: { correlationId: randomUUID(), actorId: 'test' },
  occurredAt: new Date(occurredAt),
});

/** A price correction of the request of `usageMessage`, as `npm run usage:reprice` appends it. */
function correction(
  usageMessage: OutgoingMessage,
  deltaCostMicros: bigint,
  deltaChargedMicros: bigint,
  occurredAt = AT,
): OutgoingMessage {
  const { requestId, userId, modelId } = usageMessage.value.data as Record<string, string>;
  const event = newEvent(
    'UsageRepriced',
    {
      requestId,
      userId,
      modelId,
      priceVersion: 3,
      previousPriceVersion: 2,
      providerCostMicros: '0',
      chargedMicros: '0',
      previousProviderCostMicros: '0',
      previousChargedMicros: '0',
      deltaCostMicros: deltaCostMicros.toString(),
      deltaChargedMicros: deltaChargedMicros.toString(),
      reason: 'price fixed',
      repricedAt: occurredAt,
    },
    occurredAt,
  );
  return asMessages([event])[0]!;
}

const adminGrant = (userId: string, amountMicros: string): OutgoingMessage =>
  asMessages([
    newEvent('CreditsGranted', {
      userId,
      grantId: randomUUID(),
      kind: 'admin',
      amountMicros,
      reason: 'welcome',
      grantedBy: 'admin',
      grantedAt: AT,
    }),
  ])[0]!;

/** A checkout of the $50 package (55,000 credits) and its payment, as the credits decider emits them. */
function purchase(userId: string): OutgoingMessage[] {
  const now = new Date(AT);
  const purchaseId = randomUUID();
  const pkg = { id: 'credits-50', priceMicros: 50_000_000n, credits: 55_000 };
  const started = creditsDecider.decide(
    {
      type: 'StartCheckout',
      data: { userId, purchaseId, package: pkg, packageId: pkg.id, microsPerCredit: 1_000n },
      metadata: { now },
    },
    creditsDecider.initialState(),
  );
  const state = started.reduce(creditsDecider.evolve, creditsDecider.initialState());
  const paid = creditsDecider.decide(
    {
      type: 'CompletePurchase',
      data: { userId, purchaseId, paymentId: randomUUID(), paidMicros: '50000000' },
      metadata: { now },
    },
    state,
  );
  return asMessages(
    [...started, ...paid].map((e: CreditsEvent) =>
      newEvent(e.type, e.data as unknown as Record<string, unknown>),
    ),
  );
}

/** The spending-cap events (built by hand: their emitting code is being written). */
function spendingCapNotices(usageMessage: OutgoingMessage): OutgoingMessage[] {
  const { requestId, userId, chargedMicros } = usageMessage.value.data as Record<string, string>;
  const settled = newEvent('ChargeSettled', {
    requestId,
    userId,
    chargedMicros,
    reservedMicros: '90000',
    month: '2026-12',
    settledAt: AT,
  });
  const reached = newEvent('SpendingCapReached', {
    userId,
    month: '2026-12',
    monthlyCapMicros: '5000',
    monthSpendMicros: '6000',
    capMode: 'soft',
    reachedAt: AT,
  });
  return [
    ...asMessages([settled], () => `request-${requestId}`),
    ...asMessages([reached], () => `account-${userId}`),
  ];
}

/** A ledger row: zero unless given. */
const row = (userId: string, fields: Partial<Omit<LedgerRow, 'userId'>>): LedgerRow => ({
  userId,
  events: 0n,
  ...ZERO_DELTA,
  ...fields,
});

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
    db = await openTestDatabase(kind, MIGRATIONS, 'billing');
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
      row(alice!, {
        events: 3n,
        requests: 3n,
        promptTokens: 10n + 11n + 12n,
        completionTokens: 90n,
        cachedTokens: 6n,
        providerCostMicros: 3n * 1234n,
        chargedMicros: 1000n + 2000n + 3000n,
      }),
      row(bob!, {
        events: 2n,
        requests: 2n,
        promptTokens: 21n,
        completionTokens: 60n,
        cachedTokens: 4n,
        providerCostMicros: 2n * 1234n,
        chargedMicros: 3000n,
      }),
    ]);
  });

  it('applies corrections to the charge, grants and purchases to credit (a purchase once), and no money for checkouts, settled charges or reached caps', async () => {
    const userId = randomUUID();
    const used = usage(userId, 2);
    const bought = purchase(userId);
    expect(bought.map((m) => m.value.type)).toEqual([
      'CheckoutStarted',
      'CreditsPurchased',
      'CreditsGranted',
    ]);
    const grant = adminGrant(userId, '5000000');
    const up = correction(used[0]!, 2500n, 1000n);
    const down = correction(used[0]!, -800n, -400n);
    await publish([...used, up, grant, ...bought, down, ...spendingCapNotices(used[1]!)]);
    await publish([up, grant, bought[2]!]); // republished after a relay crash
    await start();
    await drained();

    expect(await ledgerOf()).toEqual([
      row(userId, {
        events: 2n + 2n + 2n + 1n,
        requests: 2n,
        promptTokens: 21n,
        completionTokens: 60n,
        cachedTokens: 4n,
        providerCostMicros: 2n * 1234n + 2500n - 800n,
        chargedMicros: 1000n + 2000n + 1000n - 400n,
        corrections: 2n,
        grants: 2n,
        grantedMicros: 5_000_000n + 55_000_000n,
        purchases: 1n,
        paidMicros: 50_000_000n,
      }),
    ]);
    const types = await db
      .knex('billing_processed_events')
      .where({ user_id: userId })
      .orderBy('event_type')
      .pluck<string[]>('event_type');
    expect(types).toEqual([
      'CreditsGranted',
      'CreditsGranted',
      'CreditsPurchased',
      'UsageRecorded',
      'UsageRecorded',
      'UsageRepriced',
      'UsageRepriced',
    ]);
  });

  it('replayed from offset 0 (twice) ends with the same ledger, and a fresh database gets it too', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()].sort();
    const aliceUsage = usage(alice!, 5);
    const bobUsage = usage(bob!, 4);
    await publish([
      ...aliceUsage,
      ...bobUsage,
      correction(aliceUsage[1]!, 300n, 120n),
      correction(aliceUsage[1]!, -100n, -40n),
      correction(bobUsage[0]!, -1234n, -1000n),
      adminGrant(alice!, '2000000'),
      ...purchase(alice!),
      ...purchase(bob!),
      ...spendingCapNotices(aliceUsage[4]!),
      ...spendingCapNotices(bobUsage[3]!),
    ]);
    const first = await start();
    await drained();
    const ledger = await ledgerOf();
    expect(ledger).toEqual([
      row(alice!, {
        events: 5n + 2n + 1n + 2n,
        requests: 5n,
        promptTokens: 10n + 11n + 12n + 13n + 14n,
        completionTokens: 150n,
        cachedTokens: 10n,
        providerCostMicros: 5n * 1234n + 300n - 100n,
        chargedMicros: 15_000n + 120n - 40n,
        corrections: 2n,
        grants: 2n,
        grantedMicros: 2_000_000n + 55_000_000n,
        purchases: 1n,
        paidMicros: 50_000_000n,
      }),
      row(bob!, {
        events: 4n + 1n + 2n,
        requests: 4n,
        promptTokens: 10n + 11n + 12n + 13n,
        completionTokens: 120n,
        cachedTokens: 8n,
        providerCostMicros: 4n * 1234n - 1234n,
        chargedMicros: 10_000n - 1000n,
        corrections: 1n,
        grants: 1n,
        grantedMicros: 55_000_000n,
        purchases: 1n,
        paidMicros: 50_000_000n,
      }),
    ]);

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

    const fresh = await openTestDatabase(kind, MIGRATIONS, 'billing');
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
    const others = asMessages(sampleDomainEvents(userId)).filter(
      (m) => !Object.prototype.hasOwnProperty.call(LEDGER_ENTRY_KINDS, m.value.type),
    );
    expect(others.map((m) => m.value.type)).toEqual(
      expect.arrayContaining(['RequestRouted', 'CheckoutStarted']),
    );
    const broken = {
      ...usage(userId, 1)[0]!,
      value: { ...usage(userId, 1)[0]!.value, data: { promptTokens: 'many' } },
    };
    await publish(others.map((m) => ({ ...m, topic: TOPICS.usage })));
    await publish([broken, ...usage(userId, 1), ...spendingCapNotices(usage(userId, 1)[0]!)]);
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
            event_kind: 'usage',
            request_id: (messages[0]!.value.data as { requestId: string }).requestId,
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

    it('forwards each correction as an event of its own with its delta, never credits, and nothing again on replay', async () => {
      const userId = randomUUID();
      const [used] = usage(userId, 1);
      const correctedAt = '2027-01-03T09:30:00.000Z';
      const fix = correction(used!, -600n, -250n, correctedAt);
      const credits = [adminGrant(userId, '5000000'), ...purchase(userId)];
      await publish([used!, ...credits, fix, ...spendingCapNotices(used!), fix]);
      const client = () =>
        new LagoClient({ apiUrl: lago.url, apiKey: 'lago-test-key', metricCode: 'llm_usage' });
      const consumer = await start(client());
      await drained();

      expect(lago.received.map((r) => r.body.event.transaction_id)).toEqual([
        used!.value.eventId,
        fix.value.eventId,
      ]);
      expect(lago.received[1]!.body).toEqual({
        event: {
          transaction_id: fix.value.eventId,
          external_subscription_id: userId,
          code: 'llm_usage',
          timestamp: Math.floor(Date.parse(correctedAt) / 1000),
          properties: {
            event_kind: 'correction',
            request_id: (used!.value.data as { requestId: string }).requestId,
            model: 'openai/gpt-4o-mini',
            price_version: 3,
            previous_price_version: 2,
            prompt_tokens: 0,
            completion_tokens: 0,
            cached_tokens: 0,
            total_tokens: 0,
            provider_cost_micros: '-600',
            charged_micros: '-250',
            delta_provider_cost_micros: '-600',
            delta_charged_micros: '-250',
          },
        },
      });
      const statuses = await db
        .knex('billing_processed_events')
        .where({ user_id: userId })
        .orderBy('event_type')
        .select<Array<{ event_type: string; lago_status: string | null }>>('event_type', 'lago_status');
      expect(statuses.map((r) => [r.event_type, r.lago_status])).toEqual([
        ['CreditsGranted', null],
        ['CreditsGranted', null],
        ['CreditsPurchased', null],
        ['UsageRecorded', 'sent'],
        ['UsageRepriced', 'sent'],
      ]);

      await consumer.stop();
      running.splice(running.indexOf(consumer), 1);
      broker.resetOffsets(GROUP, TOPICS.usage);
      await start(client());
      await drained();
      expect(lago.received).toHaveLength(2);
    });
  });
});
