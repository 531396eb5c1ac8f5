import { randomUUID } from 'node:crypto';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { InMemoryEventStore } from '@gw/eventstore';
import { ProjectionRunner, silentProjectionLogger } from '@gw/projections';
import type { NewEvent } from '@gw/shared-kernel';
import { allMigrations } from '../../../../migrations';
import { creditLedgerProjection } from '../credits/ledger/credit-ledger.projection';
import { BudgetLedger } from './budget-ledger';
import { readBudgetSnapshot } from './budget-snapshot';

const MONTH = '2026-12';
const at = (day: string) => new Date(`${day}T12:00:00Z`);
const event = (type: string, data: Record<string, unknown>, occurredAt: Date): NewEvent => ({
  id: randomUUID(),
  type,
  version: 1,
  data,
  metadata: { correlationId: 'c', actorId: 'a' },
  occurredAt,
});

/** One answered request: its usage and its settlement, as the chat path appends them. */
const request = (userId: string, charged: string, month: string, occurredAt: Date) => {
  const requestId = randomUUID();
  return {
    streamId: `request-${requestId}`,
    events: [
      event(
        'UsageRecorded',
        { requestId, userId, chargedMicros: charged, providerCostMicros: charged },
        occurredAt,
      ),
      event(
        'ChargeSettled',
        {
          requestId,
          userId,
          chargedMicros: charged,
          reservedMicros: charged,
          month,
          settledAt: occurredAt.toISOString(),
        },
        occurredAt,
      ),
    ],
    requestId,
  };
};

describeBackends('budget ledger from the credit-ledger snapshot', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind, allMigrations, 'budget_snapshot');
  });
  afterAll(() => db?.drop());

  it('seeded from the read model and fed what came after, it sees what folding the whole log sees', async () => {
    const store = new InMemoryEventStore();
    const [alice, bob] = [randomUUID(), randomUUID()];
    const grant = (userId: string, grantId: string, amount: string, day: string) =>
      store.append({
        streamId: `credits-${userId}`,
        events: [
          event(
            'CreditsGranted',
            {
              userId,
              grantId,
              kind: 'promotion',
              amountMicros: amount,
              reason: 'r',
              grantedBy: 's',
              grantedAt: 'x',
            },
            at(day),
          ),
        ],
      });
    await grant(alice, 'signup', '5000000', '2026-11-20');
    await grant(bob, 'signup', '5000000', '2026-11-20');
    const old = request(alice, '700', '2026-11', at('2026-11-30'));
    await store.append(old);
    await store.append(request(alice, '300', MONTH, at('2026-12-01')));
    await store.append(request(bob, '1000', MONTH, at('2026-12-01')));
    // A request from before spending caps: a UsageRecorded without its ChargeSettled.
    const legacy = randomUUID();
    await store.append({
      streamId: `request-${legacy}`,
      events: [
        event('UsageRecorded', { requestId: legacy, userId: bob, chargedMicros: '400' }, at('2026-12-01')),
      ],
    });
    await store.append({
      streamId: `request-${old.requestId}`,
      events: [
        event(
          'UsageRepriced',
          { requestId: old.requestId, userId: alice, deltaChargedMicros: '-200' },
          at('2026-12-02'),
        ),
      ],
    });
    const runner = new ProjectionRunner({
      projection: creditLedgerProjection,
      eventStore: store,
      db: db.knex,
      logger: silentProjectionLogger,
    });
    await runner.start();
    await runner.waitFor((await store.headPosition())!, { timeoutMs: 10_000 });
    await runner.stop();
    // After the snapshot's position: more of everything.
    const snapshot = await readBudgetSnapshot(db.knex, MONTH);
    expect(snapshot.position).toEqual(await store.headPosition());
    await grant(bob, 'admin-1', '1000000', '2026-12-03');
    await store.append(request(alice, '50', MONTH, at('2026-12-03')));

    const seeded = new BudgetLedger();
    seeded.seed(snapshot);
    for (const e of await store.readAll({ after: snapshot.position! })) seeded.apply(e);
    const folded = new BudgetLedger();
    for (const e of await store.readAll()) folded.apply(e);

    // What came after the snapshot is the feed's; what the log holds from before spending caps
    // (bob's legacy request) only the read model knows.
    expect(seeded.seen(alice, MONTH)).toEqual(folded.seen(alice, MONTH));
    for (const user of [alice, bob]) expect(seeded.hasGrant(user, 'signup')).toBe(true);
    expect(seeded.seen(alice, MONTH)).toEqual({
      balanceMicros: 5_000_000n - 700n - 300n + 200n - 50n,
      monthSpendMicros: 300n - 200n + 50n, // a correction counts in the month it is made
      settledMicros: 1_050n,
      monthSettledMicros: 350n,
    });
    expect(seeded.seen(bob, MONTH)).toEqual({
      balanceMicros: 6_000_000n - 1_000n - 400n,
      monthSpendMicros: 1_400n,
      settledMicros: 1_000n,
      monthSettledMicros: 1_000n,
    });
    expect(seeded.hasGrant(bob, 'admin-1')).toBe(true);
  });

  it('nothing projected yet: an empty snapshot at no position (the feed reads the whole log)', async () => {
    const fresh = await openTestDatabase(kind, allMigrations, 'budget_snapshot_empty');
    try {
      expect(await readBudgetSnapshot(fresh.knex, MONTH)).toEqual({
        position: null,
        users: [],
        months: [],
        grants: [],
      });
    } finally {
      await fresh.drop();
    }
  });
});
